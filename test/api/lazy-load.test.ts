import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The heavy packages load when they are used, not when the library loads (issue 12): the Grafana foundation SDK
 * (~240 modules) only when a dashboard is built, the PromQL and LogQL grammars only on the first validation. Run in
 * a fresh process (under tsx's CommonJS hooks, as cdk8s.yaml runs the app), since jest's module registry is not Node's.
 */
const ROOT = join(__dirname, '..', '..');

type Loads = { atImport: string[]; afterSynth: string[] };
const runs = new Map<string, Loads>();

function moduleLoads(mode: 'grafana' | 'no-grafana'): Loads {
  const seen = runs.get(mode);
  if (seen) return seen;
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'test/fixtures/module-loads.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MODULE_LOADS: mode },
    timeout: 110_000,
  });
  if (r.status !== 0) throw new Error(`module-loads.ts exited ${r.status}: ${r.stderr}`);
  const loads = JSON.parse(r.stdout.trim().split('\n').pop()!) as Loads;
  runs.set(mode, loads);
  return loads;
}

describe('heavy modules load on first use', () => {
  test('importing the library loads neither the dashboard SDK nor a grammar', () => {
    expect(moduleLoads('no-grafana').atImport).toEqual([]);
  });

  test('a platform without Grafana synthesizes without the dashboard SDK; its rules are still validated', () => {
    const { afterSynth } = moduleLoads('no-grafana');
    expect(afterSynth).not.toContain('@grafana/grafana-foundation-sdk');
    expect(afterSynth).toContain('@prometheus-io/lezer-promql');
  });

  test('a platform with Grafana loads the SDK for its dashboards', () => {
    expect(moduleLoads('grafana').afterSynth).toContain('@grafana/grafana-foundation-sdk');
  });
});
