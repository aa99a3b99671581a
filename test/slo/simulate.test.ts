import { encodeValues } from '../helpers/slo-proof';
import { extrapolatedRate, goFormatG, humanize, humanizePercentage } from '../helpers/slo-simulate';

describe('reference simulation helpers', () => {
  // Go: fmt.Sprintf("%.4g", v) and Prometheus' humanize / humanizePercentage template functions.
  test.each([
    [0, '0'],
    [1, '1'],
    [14.4, '14.4'],
    [999.9999999999991, '1000'],
    [3.9999999999999996, '4'],
    [0.00123456, '0.001235'],
    [0.0000123, '1.23e-05'],
    [123456, '1.235e+05'],
  ])('goFormatG(%p) = %p', (v, s) => {
    expect(goFormatG(v)).toBe(s);
  });

  test.each([
    [1000, '1k'],
    [1500000, '1.5M'],
    [14.4, '14.4'],
    [0.5, '500m'],
    [0, '0'],
  ])('humanize(%p) = %p', (v, s) => {
    expect(humanize(v)).toBe(s);
  });

  test('humanizePercentage', () => {
    expect(humanizePercentage(0.9985)).toBe('99.85%');
  });

  test("promtool's expanding notation: runs of constant increments and gaps", () => {
    expect(encodeValues([0, 10, 20, 30, 30, 30, undefined, undefined, 5])).toBe('0+10x3 30+0x1 _x2 5');
    expect(encodeValues([1])).toBe('1');
  });

  test('rate over aligned samples of a counter starting at 0 is exact (no extrapolation)', () => {
    const pts = [0, 1, 2, 3, 4].map((i) => ({ t: i * 15000, v: i * 60 }));
    expect(extrapolatedRate(pts, 0, 60000, true, true)).toBe(4);
    expect(extrapolatedRate(pts, 0, 60000, true, false)).toBe(240);
    expect(extrapolatedRate(pts.slice(0, 1), 0, 60000, true, true)).toBeUndefined();
  });
});
