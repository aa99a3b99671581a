import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importOpenSlo, importSloth } from '../../../src';

/** The README's "Importing Sloth and OpenSLO specs" example: its Sloth spec imports to the JSON it shows. */
const README = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
const section = README.slice(README.indexOf('### Importing Sloth and OpenSLO specs'), README.indexOf('## Architecture'));

function block(lang: 'yaml' | 'json', n = 0): string {
  const blocks = [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
  if (!blocks[n]) throw new Error(`the README section has no ${lang} block #${n}`);
  return blocks[n];
}

test('the README Sloth example imports to the ServiceSpecs the README shows, without warnings', () => {
  const { services, warnings } = importSloth(block('yaml'));
  expect(services).toEqual(JSON.parse(block('json')));
  expect(warnings).toEqual([]);
});

test('the README error example is the message a calendar-aligned OpenSLO window gives', () => {
  const yaml = [
    'apiVersion: openslo/v1',
    'kind: SLO',
    'metadata: { name: web-availability }',
    'spec:',
    '  service: web',
    '  indicator: { metadata: { name: ok }, spec: { ratioMetric: { bad: { metricSource: { type: Prometheus, spec: { query: "sum(rate(e[{{.window}}]))" } } }, total: { metricSource: { type: Prometheus, spec: { query: "sum(rate(t[{{.window}}]))" } } } } } }',
    '  timeWindow: [{ duration: 1M, calendar: { startTime: "2024-01-01 00:00:00", timeZone: UTC } }]',
    '  budgetingMethod: Occurrences',
    '  objectives: [{ target: 0.999 }]',
  ].join('\n');
  const shown = section.split('\n').find((l) => l.startsWith('slos/web.yaml#1'));
  expect(shown).toBeDefined();
  expect(() => importOpenSlo(yaml, { source: 'slos/web.yaml' })).toThrow(shown);
});
