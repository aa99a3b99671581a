import { SLO_LABELS } from '../../src/conventions';
import { SloDefinition, labelTemplate } from '../../src/slo';
import { mulberry32 } from '../../bench/lib/prng';

/** What labelTemplate replaced before: one alternation per SLO, its names longest first. */
function byRegex(text: string, slo: SloDefinition): string {
  const values = ([[slo.id, SLO_LABELS.id], [slo.service, SLO_LABELS.service], [slo.name, SLO_LABELS.slo]] as [string, string][])
    .filter(([v]) => v.length > 0)
    .sort((a, b) => b[0].length - a[0].length);
  const re = new RegExp(values.map(([v]) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const label = new Map(values);
  return text.replace(re, (m) => `{{ $labels.${label.get(m)} }}`);
}

describe('labelTemplate', () => {
  const slo = (service: string, name: string) => ({ id: `${service}-${name}`, service, name }) as unknown as SloDefinition;

  test("replaces an SLO's id, service and name by their label templates, the longest where they overlap", () => {
    const s = slo('checkout', 'latency');
    expect(labelTemplate('checkout-latency is slow: checkout latency', s)).toBe('{{ $labels.sloth_id }} is slow: {{ $labels.sloth_service }} {{ $labels.sloth_slo }}');
    expect(labelTemplate('nothing to replace', s)).toBe('nothing to replace');
    expect(labelTemplate('already {{ $labels.x }} checkout', s)).toBe('already {{ $labels.x }} checkout');
  });

  test('gives what the per-SLO alternation gave, on random texts over a small alphabet (names inside names, repeats, regex characters)', () => {
    const rand = mulberry32(7);
    const pick = (chars: string, n: number) => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join('');
    for (let i = 0; i < 2000; i++) {
      const service = pick('ab.-', 1 + Math.floor(rand() * 3));
      const name = pick('ab*-', 1 + Math.floor(rand() * 3));
      const s = slo(service, name);
      const text = pick('ab.*- ', Math.floor(rand() * 16));
      expect(labelTemplate(text, s)).toBe(byRegex(text, s));
    }
  });
});
