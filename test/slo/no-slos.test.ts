import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { ObservabilityStack } from '../../src/stack';
import { configFiles, synthObjects } from '../helpers/synth';
import { promtool, writeTree } from '../helpers/tools';

/**
 * A catalog whose services define no SLO yet (a platform onboarding services before their objectives are agreed):
 * it synthesizes, the rule files it writes are valid, and no SLO dashboard is provisioned (there is no SLO to show).
 * It used to fail with "sloDashboards.overview: must show at least one SLO", naming no prop the user had set.
 */
describe('services without SLOs', () => {
  test('synthesize with valid rules and no SLO dashboards', () => {
    const objects = synthObjects(new ObservabilityStack(Testing.app(), 'observability', { services: [{ name: 'checkout' }, { name: 'search' }] }));
    const files = configFiles(objects);
    expect([...files.keys()].filter((k) => /slo-(overview|detail)/.test(k))).toEqual([]);
    const rules = [...files].filter(([k]) => k.endsWith('.rules.yml'));
    expect(rules.length).toBeGreaterThan(0);
    const dir = writeTree({});
    const paths = rules.map(([k, text], i) => {
      const p = join(dir, `${i}-${k.split('/').pop()}`);
      writeFileSync(p, text);
      return p;
    });
    const r = promtool(['check', 'rules', ...paths]);
    expect({ status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ status: 0, output: '' });
  });
});
