import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countOutput, hashOutput, yamlFiles } from '../../bench/lib/manifests';
import { cdk8sYamlApp, cdk8sYamlRunner } from '../../bench/synth';
import { parseArgs } from '../../bench/lib/args';
import { mulberry32, poisson, seedOf } from '../../bench/lib/prng';
import { formatBytes, formatCount, formatSummary, quantile, summarize } from '../../bench/lib/stats';

describe('seeded random numbers', () => {
  test('the same seed gives the same sequence, another seed another one', () => {
    // GIVEN two generators with one seed and one with another
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    // WHEN drawing from each
    const xs = [a(), a(), a()];
    // THEN
    expect([b(), b(), b()]).toEqual(xs);
    expect([c(), c(), c()]).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  test('seeds derived from names are stable 32-bit integers', () => {
    expect(seedOf('svc-01/GET/200')).toBe(seedOf('svc-01/GET/200'));
    expect(seedOf('svc-01/GET/200')).not.toBe(seedOf('svc-01/GET/500'));
    expect(Number.isInteger(seedOf('x')) && seedOf('x') >= 0 && seedOf('x') < 2 ** 32).toBe(true);
  });

  test.each([[0.02], [3], [250]])('Poisson counts with mean %p average to the mean', (lambda) => {
    const rand = mulberry32(7);
    const n = 20000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += poisson(rand, lambda);
    expect(Math.abs(sum / n - lambda)).toBeLessThan(Math.max(0.01, lambda * 0.02));
  });

  test('a zero or negative mean gives zero', () => {
    expect(poisson(mulberry32(1), 0)).toBe(0);
    expect(poisson(mulberry32(1), -1)).toBe(0);
  });
});

describe('summary statistics', () => {
  test('median, quartiles and range of repeated measurements', () => {
    const s = summarize([5, 1, 3, 2, 4]);
    expect(s).toMatchObject({ n: 5, median: 3, min: 1, max: 5, q1: 2, q3: 4 });
    expect(quantile([1, 2], 0.5)).toBe(1.5);
    expect(summarize([]).n).toBe(0);
  });

  test('figures read as median (min–max, n)', () => {
    expect(formatSummary(summarize([1.2345, 1.3, 1.1]), 's')).toBe('1.23 s (1.1–1.3, n=3)');
    expect(formatSummary(summarize([0.5]), 'ms', 1000)).toBe('500 ms (n=1)');
    expect(formatCount(8_050_000)).toBe('8.05 M');
    expect(formatCount(426_300)).toBe('426 k');
    expect(formatCount(980)).toBe('980');
    expect(formatBytes(139_769_599)).toBe('140 MB');
  });
});

describe('command line', () => {
  test('a bare run measures both parts at the issue\'s sizes and writes RESULTS.md', () => {
    expect(parseArgs([])).toMatchObject({ parts: ['synth', 'rules'], sizes: [10, 100, 1000], modes: ['inproc', 'cli', 'cli-node'], ruleServices: 10, days: 7, scaleServices: 100, scaleDays: 1, write: true });
  });

  test('the at-scale engine-time run can be sized or skipped', () => {
    expect(parseArgs(['--scale-services', '300', '--scale-days', '2'])).toMatchObject({ scaleServices: 300, scaleDays: 2 });
    expect(parseArgs(['--scale-services', '0'])).toMatchObject({ scaleServices: 0 });
  });

  test('a partial run does not overwrite RESULTS.md unless asked', () => {
    expect(parseArgs(['--only', 'synth', '--sizes', '10,100'])).toMatchObject({ parts: ['synth'], sizes: [10, 100], write: false });
    expect(parseArgs(['--only', 'rules', '--write'])).toMatchObject({ parts: ['rules'], write: true });
  });

  test.each([
    [['--only', 'everything'], /--only takes synth or rules, got everything/],
    [['--days', '30'], /--days must be at most 19, got 30/],
    [['--scale-days', '20'], /--scale-days must be at most 19, got 20/],
    [['--scale-services', '-1'], /--scale-services needs a positive integer, got -1/],
    [['--runs', '0'], /--runs needs a positive integer, got 0/],
    [['--modes', 'k8s'], /--modes takes inproc, cli and\/or cli-node, got k8s/],
    [['--frobnicate'], /unknown option --frobnicate/],
  ])('rejects %p', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('synth output', () => {
  test('counts and hashes the YAML of nested folders too (the default platform writes one folder per chart)', () => {
    // GIVEN a top-level chart file and a folder with a component file holding a rule file
    const dir = mkdtempSync(join(tmpdir(), 'bench-output-'));
    try {
      writeFileSync(join(dir, 'top.k8s.yaml'), 'kind: Service\nmetadata:\n  name: a\n');
      mkdirSync(join(dir, 'observability'));
      const rules = 'groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n';
      writeFileSync(join(dir, 'observability', 'prometheus.k8s.yaml'), `kind: ConfigMap\nmetadata:\n  name: prometheus-rules-0\ndata:\n  x.rules.yml: ${JSON.stringify(rules)}\n`);
      // WHEN
      const counted = countOutput(dir);
      // THEN both files count, by their relative paths, and a change inside the folder changes the hash
      expect(yamlFiles(dir)).toEqual(['observability/prometheus.k8s.yaml', 'top.k8s.yaml']);
      expect(counted).toMatchObject({ objects: 2, rules: 1, ruleFiles: 1 });
      const before = hashOutput(dir);
      writeFileSync(join(dir, 'observability', 'prometheus.k8s.yaml'), 'kind: ConfigMap\nmetadata:\n  name: other\n');
      expect(hashOutput(dir)).not.toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the default platform in the CLI part', () => {
  test("runs cdk8s.yaml's own app command, the one npm run synth runs", () => {
    // GIVEN a project whose cdk8s.yaml names its app
    const dir = mkdtempSync(join(tmpdir(), 'bench-cdk8s-yaml-'));
    try {
      writeFileSync(join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node --require tsx/cjs src/main.ts\noutput: dist\n');
      // WHEN / THEN: the default platform runs that command; the floor and the catalogs run under its runner
      expect(cdk8sYamlApp(dir)).toBe('node --require tsx/cjs src/main.ts');
      expect(cdk8sYamlRunner(dir)).toBe('node --require tsx/cjs');
      writeFileSync(join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node lib/main.js\noutput: dist\n');
      expect(() => cdk8sYamlRunner(dir)).toThrow(/does not end with src\/main\.ts: the bench cannot tell its runner/);
      writeFileSync(join(dir, 'cdk8s.yaml'), 'language: typescript\noutput: dist\n');
      expect(() => cdk8sYamlApp(dir)).toThrow(/cdk8s\.yaml has no "app" command/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
