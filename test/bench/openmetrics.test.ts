import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASELINE_ERROR_RATIO,
  errorRatioAt,
  HistorySpec,
  scenarioOf,
  seriesOfService,
  seriesPrefix,
  writeOpenMetrics,
} from '../../bench/rule-eval/openmetrics';
import { evaluationInstant } from '../../bench/rule-eval';
import { promtool } from '../helpers/tools';

const SPEC: HistorySpec = { services: 2, days: 1, scrapeSeconds: 30, endSeconds: evaluationInstant(1), seed: 1 };

describe('synthetic request history', () => {
  const dirs: string[] = [];
  const scratch = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'bench-om-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('24 series per service: 3 routes with their statuses × 3 pods, 9 of them 5xx', () => {
    const series = seriesOfService(SPEC, 0);
    expect(series).toHaveLength(24);
    expect(series.filter((s) => /^5/.test(s.labels.status))).toHaveLength(9);
    expect(new Set(series.map((s) => s.labels.pod)).size).toBe(3);
    expect(new Set(series.map((s) => `${s.labels.method} ${s.labels.endpoint}`)).size).toBe(3);
    expect(seriesOfService(SPEC, 0)).toEqual(series);
  });

  test('incidents raise the 5xx ratio only inside their period', () => {
    const fast = scenarioOf(0);
    expect(errorRatioAt(fast, 60)).toBe(0.03);
    expect(errorRatioAt(fast, 41 * 60)).toBe(BASELINE_ERROR_RATIO);
    expect(errorRatioAt(scenarioOf(99), 60)).toBe(BASELINE_ERROR_RATIO);
  });

  test('label values are escaped as the exposition format wants', () => {
    expect(seriesPrefix('m_total', { b: 'x"y', a: 'a\\b\nc' })).toBe('m_total{a="a\\\\b\\nc",b="x\\"y"} ');
  });

  test('writes the same OpenMetrics text for the same seed, which promtool imports', async () => {
    // GIVEN two writes of one spec
    const dir = scratch();
    const a = await writeOpenMetrics(join(dir, 'a.om'), SPEC);
    await writeOpenMetrics(join(dir, 'b.om'), SPEC);
    const text = readFileSync(join(dir, 'a.om'), 'utf8');
    // THEN the files are equal and well formed
    expect(readFileSync(join(dir, 'b.om'), 'utf8')).toBe(text);
    expect(a).toMatchObject({ series: 48, samples: 48 * 2880 });
    expect(text.startsWith('# HELP http_requests ')).toBe(true);
    expect(text.endsWith('# EOF\n')).toBe(true);
    const timestamps = text.split('\n').filter((l) => l.startsWith('http_requests_total{')).map((l) => Number(l.split(' ')[2]));
    expect(timestamps.reduce((a, b) => Math.min(a, b))).toBeGreaterThan(SPEC.endSeconds - 86400);
    expect(timestamps.reduce((a, b) => Math.max(a, b))).toBeLessThanOrEqual(SPEC.endSeconds);
    // AND promtool turns it into one block
    const r = promtool(['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=486h', join(dir, 'a.om'), join(dir, 'blocks')]);
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/138240\s+\d+\s+48/);
  });
});
