import { syntheticCatalog } from '../../bench/catalog';
import { buildSloModel } from '../../src/slo';

describe('synthetic catalogs', () => {
  test('n services × 3 SLOs, named in catalog order, the same every time', () => {
    // WHEN
    const a = syntheticCatalog(12);
    // THEN
    expect(a).toHaveLength(12);
    expect(a[0].name).toBe('svc-0001');
    expect(a[11].name).toBe('svc-0012');
    expect(a.every((s) => s.slos?.map((x) => x.name).join() === 'availability,latency,error-rate')).toBe(true);
    expect(syntheticCatalog(12)).toEqual(a);
  });

  test('availability alternates between blackbox probes (with a URL) and up', () => {
    const [even, odd] = syntheticCatalog(2);
    expect(even.probeUrl).toBe('http://svc-0001.apps.svc:8080/healthz');
    expect(even.slos?.[0]).toMatchObject({ sli: { kind: 'availability', source: 'probe' } });
    expect(odd.probeUrl).toBeUndefined();
    expect(odd.slos?.[0]).toMatchObject({ sli: { kind: 'availability', source: 'up' } });
  });

  test('is a valid SLO catalog', () => {
    const model = buildSloModel(syntheticCatalog(8));
    expect(model.services.flatMap((s) => s.slos)).toHaveLength(24);
  });

  test('rejects a negative size', () => {
    expect(() => syntheticCatalog(-1)).toThrow(/catalog size must be a non-negative integer, got -1/);
  });
});
