import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheKey } from '../../scripts/install-tools';
import { toolBinaries, toolOfBinary } from '../../scripts/tool-versions';
import { builderManifest, COLLECTOR_COMPONENTS, COLLECTOR_PROVIDERS } from '../../src/components/otel-collector/distribution';
import { prometheusModuleVersion, TOOL_BUILDS, TOOLS_NOT_BUILT, VERSIONS } from '../../src/versions';
import { runTool, ToolBinary, toolPath, toolVersion } from '../helpers/tools';

/**
 * The upstream programs the tests run are the releases the stack deploys: TOOL_BUILDS (src/versions.ts) names them
 * from VERSIONS, scripts/install-tools.sh builds them, and each binary in .tools/bin prints that release.
 */

const ALL_BINARIES = Object.keys(TOOL_BUILDS).flatMap((name) => toolBinaries(name)) as ToolBinary[];

describe('TOOL_BUILDS follows VERSIONS', () => {
  test('every deployed program with a build is built at its image tag', () => {
    for (const t of Object.values(TOOL_BUILDS) as { release: string; deployed?: keyof typeof VERSIONS }[]) {
      if (t.deployed) expect([t.deployed, t.release]).toEqual([t.deployed, VERSIONS[t.deployed].tag]);
    }
  });

  test('Prometheus 3.x module versions are v0.3XX.Y', () => {
    expect(prometheusModuleVersion('v3.5.0')).toBe('v0.305.0');
    expect(prometheusModuleVersion('v3.10.2')).toBe('v0.310.2');
    expect(() => prometheusModuleVersion('v2.53.0')).toThrow(/not a Prometheus 3 release tag/);
    expect(TOOL_BUILDS.prometheus.moduleVersion).toBe(prometheusModuleVersion(VERSIONS.prometheus.tag));
  });

  test('every deployed program is either built or named with the reason it is not', () => {
    const built = new Set<string | undefined>(Object.values(TOOL_BUILDS).map((t) => ('deployed' in t ? t.deployed : undefined)));
    const upstreamPrograms = [
      'prometheus',
      'alertmanager',
      'grafana',
      'loki',
      'jaeger',
      'otelCollector',
      'blackboxExporter',
      'postgresExporter',
      'mysqldExporter',
      'redisExporter',
      'kafkaExporter',
      'thanos',
      'openSearchDashboards',
    ] as const;
    for (const c of upstreamPrograms) expect([c, built.has(c) || c in TOOLS_NOT_BUILT]).toEqual([c, true]);
    expect(Object.keys(TOOLS_NOT_BUILT).sort()).toEqual(['grafana', 'kafkaExporter', 'loki', 'openSearchDashboards']);
  });

  test('the otelcol cache key changes with the component list (a new component rebuilds it)', () => {
    expect(cacheKey('otelCollector')).toMatch(/^otelCollector-0\.135\.0-[0-9a-f]{12}$/);
    expect(cacheKey('prometheus')).toBe('prometheus-v3.5.0');
  });

  test('the builder manifest lists every component and the providers at the deployed collector release', () => {
    const manifest = builderManifest('/out');
    for (const c of COLLECTOR_COMPONENTS) expect(manifest).toContain(`  - gomod: ${c.module} v${VERSIONS.otelCollector.tag}\n`);
    for (const p of COLLECTOR_PROVIDERS) expect(manifest).toContain(`  - gomod: ${p} v1.41.0\n`);
    expect(manifest).toContain(`  version: ${VERSIONS.otelCollector.tag}\n`);
    expect(manifest).toContain('  output_path: "/out"\n');
  });

  test('.gitignore keeps .tools/ out of the repository', () => {
    expect(readFileSync(join(__dirname, '..', '..', '.gitignore'), 'utf8').split('\n')).toContain('/.tools/');
  });
});

describe('.tools/bin holds the deployed releases', () => {
  test.each(ALL_BINARIES)('%s is installed and prints its release', (binary) => {
    const { release } = toolOfBinary(binary);
    expect(toolPath(binary)).toBeTruthy();
    expect(toolVersion(binary)).toBe(release.replace(/^v/, ''));
  });

  test('otelcol holds exactly the components of COLLECTOR_COMPONENTS', () => {
    const out = runTool('otelcol', ['components']).stdout;
    const listed = new Set<string>();
    let section = '';
    for (const line of out.split('\n')) {
      const head = /^([a-z]+):/.exec(line);
      if (head) section = head[1].replace(/s$/, '');
      const item = /^\s+- name: (\S+)/.exec(line);
      if (item) listed.add(`${section}/${item[1]}`);
    }
    expect([...listed].sort()).toEqual(COLLECTOR_COMPONENTS.map((c) => `${c.kind}/${c.type}`).sort());
  });

  test('a missing tool fails with the command that installs it', () => {
    const saved = process.env.JAEGER;
    process.env.JAEGER = '/nonexistent/jaeger';
    try {
      expect(() => toolPath('jaeger')).toThrow(/jaeger \(jaeger 2\.10\.0, the release the stack deploys\) is missing at \/nonexistent\/jaeger\. Run `bash scripts\/install-tools\.sh`/);
    } finally {
      if (saved === undefined) delete process.env.JAEGER;
      else process.env.JAEGER = saved;
    }
  });
});

describe('scripts/install-tools.sh', () => {
  test('--check finds every program built and linked (what a second run reuses)', () => {
    const r = spawnSync('bash', [join(__dirname, '..', '..', 'scripts', 'install-tools.sh'), '--check'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    for (const name of Object.keys(TOOL_BUILDS)) expect(r.stdout).toMatch(new RegExp(`cached\\s+${name} `));
    expect(r.stdout).toMatch(/loki\s+not built: .*AGPL/);
    expect(r.status).toBe(0);
  });
});
