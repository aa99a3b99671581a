import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ConfigMapPack, DataConfigMap, PackedConfigMap, configMapEntryBytes } from '../../src/common/configmap-pack';

describe('ConfigMap packs', () => {
  const metadata = { name: 'rules-0', namespace: 'monitoring', labels: { app: 'x' }, annotations: { a: 'b' } };
  const entries: [string, string][] = [
    ['b.rules.yml', 'groups: []\n'],
    ['a.rules.yml', 'groups:\n  - name: x\n'],
    ['c.rules.yml', ''],
  ];

  test('DataConfigMap synthesizes the same object kplus.ConfigMap does, entries added after construction included', () => {
    const ours = new Chart(Testing.app(), 'ours');
    const theirs = new Chart(Testing.app(), 'theirs');
    const a = new DataConfigMap(ours, 'Rules', metadata);
    const b = new kplus.ConfigMap(theirs, 'Rules', { metadata });
    for (const [k, v] of entries) {
      a.addData(k, v);
      b.addData(k, v);
    }
    const synthOurs = Testing.synth(ours);
    expect(synthOurs).toEqual(Testing.synth(theirs));
    expect(Object.keys(synthOurs[0].data)).toEqual(['a.rules.yml', 'b.rules.yml', 'c.rules.yml']);
    expect(synthOurs[0].immutable).toBe(false);
  });

  test('a pack opens a new ConfigMap only when the next entry would not fit, and never moves earlier entries', () => {
    const chart = new Chart(Testing.app(), 'pack');
    const size = configMapEntryBytes('k0', 'x'.repeat(40));
    const pack = new ConfigMapPack<PackedConfigMap>(size * 2, (i) => ({ configMap: new DataConfigMap(chart, `M${i}`, { name: `m-${i}` }), bytes: 0 }));
    const landed = [0, 1, 2, 3, 4].map((i) => pack.configMaps.indexOf(pack.add(`k${i}`, 'x'.repeat(40))));
    expect(landed).toEqual([0, 0, 1, 1, 2]);
    expect(Testing.synth(chart).map((o) => Object.keys(o.data))).toEqual([['k0', 'k1'], ['k2', 'k3'], ['k4']]);
    expect(pack.fits(size * 2)).toBe(true);
    expect(pack.fits(size * 2 + 1)).toBe(false);
  });
});
