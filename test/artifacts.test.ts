import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { ObservabilityStack, ObservabilityStackProps } from '../src/stack';
import { BUCKETS_WITH_200MS, DEMO_SERVICES, ORDER_SERVICE, ServiceSpec, SLO_CLASSES } from '../src/slo';
import {
  dashboardFiles,
  dashboardMountProblems,
  dashboardProblemsOf,
  exampleApps,
  manifestProblems,
  ruleMountProblems,
  synthExample,
  upstreamCheckerProblems,
} from './helpers/artifacts';
import { dashboardShapeProblems } from './helpers/dashboard-shape';
import { upstreamProgramProblems } from './helpers/upstream';
import { K8sObject, configFiles } from './helpers/synth';

/**
 * Artifact checks, as CI runs them on everything the project synthesizes: the default platform (src/main.ts's
 * catalog), a synthetic catalog of 150 class-based services, and every runnable example under examples/.
 *
 * test/stack.test.ts already checks the default platform's manifests (schema, unique kind/namespace/name, ConfigMap
 * size, label values) and runs promtool and amtool on it; here those checks run on the other platforms, and the
 * checks below run on all of them: dashboards round-tripped through the Grafana foundation SDK's types, every rule
 * file mounted where Prometheus' rule_files glob loads it (and nothing mounted that it ignores), every dashboard file
 * under a directory a Grafana provider reads, and every collector, Jaeger and blackbox config accepted by the deployed
 * program's own validation.
 */

const ROOT = join(__dirname, '..');

/** Synthesizes a stack (the built-in classes raise no warning since their objectives can page: any warning prints). */
function synthStack(props: ObservabilityStackProps): K8sObject[] {
  return Testing.synth(new ObservabilityStack(Testing.app(), 'observability', props)) as K8sObject[];
}

/** 150 services cycling through the built-in SLO classes; every class's latency thresholds are declared buckets. */
export function syntheticCatalog(size: number): ServiceSpec[] {
  const classes = Object.keys(SLO_CLASSES).sort();
  return Array.from({ length: size }, (_, i) => ({
    name: `svc-${String(i).padStart(3, '0')}`,
    class: classes[i % classes.length],
    histogramBuckets: BUCKETS_WITH_200MS,
  }));
}

interface Platform {
  readonly name: string;
  readonly objects: () => K8sObject[];
  /** The manifest and upstream-checker tests of test/stack.test.ts already cover it. */
  readonly coveredByStackTest: boolean;
}

function memo<T>(fn: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= fn());
}

const PLATFORMS: Platform[] = [
  { name: 'default platform (src/main.ts)', objects: memo(() => synthStack({ services: [ORDER_SERVICE, ...DEMO_SERVICES] })), coveredByStackTest: true },
  { name: '150 class-based services', objects: memo(() => synthStack({ services: syntheticCatalog(150) })), coveredByStackTest: false },
  ...exampleApps(ROOT).map((app) => ({ name: `example ${app}`, objects: memo(() => synthExample(ROOT, app)), coveredByStackTest: false })),
];

describe.each(PLATFORMS)('$name', (platform) => {
  test('dashboards round-trip through the Grafana foundation SDK types', () => {
    expect(dashboardProblemsOf(platform.objects())).toEqual([]);
  });

  test('every rule file the rule_files glob loads is in the projected rules volume, and vice versa', () => {
    expect(ruleMountProblems(platform.objects())).toEqual([]);
  });

  test('every dashboard file is mounted under a directory a Grafana dashboard provider reads', () => {
    expect(dashboardMountProblems(platform.objects())).toEqual([]);
  });

  test('otelcol validate (agent, gateway; every component in the otelcol build), jaeger validate and blackbox_exporter --config.check, at the deployed releases', () => {
    expect(upstreamProgramProblems(platform.objects())).toEqual([]);
  });

  if (!platform.coveredByStackTest) {
    test('manifests: schema-valid, unique kind/namespace/name, ConfigMaps and Secrets under 1 MiB, label values valid and at most 63 characters', () => {
      expect(manifestProblems(platform.objects())).toEqual([]);
    });

    test('promtool check config and check rules (every rule file), amtool check-config', () => {
      expect(upstreamCheckerProblems(platform.objects())).toEqual([]);
    });
  }
});

describe('the 150-service catalog is really large', () => {
  test('its rule files (150 services\' SLO definitions, the shared SLO rules, platform alerts) fit ConfigMaps under the limit (checked above)', () => {
    const objects = PLATFORMS[1].objects();
    const ruleFiles = [...configFiles(objects).keys()].filter((k) => k.endsWith('.rules.yml'));
    expect(ruleFiles.length).toBe(150 + 1 /* slo.rules.yml, shared by every SLO */ + 1 /* platform alerts */);
    expect(new Set(ruleFiles.map((k) => k.split('/')[0])).size).toBeGreaterThanOrEqual(1);
    expect(dashboardFiles(objects).size).toBe(3 /* SLO overview, templated SLO detail, service overview */);
  });
});

describe('the artifact checks are real', () => {
  test('the dashboard shape check reports a missing required field, a wrong type and a field the SDK does not know', () => {
    const json = { uid: 'x', title: 'X', templating: { list: [] }, annotations: { list: [] }, panels: [{ type: 'stat', gridPos: { h: 8, w: 30, x: 0, y: 0 }, targets: [{ refId: 'A' }], colour: 'red' }] };
    expect(dashboardShapeProblems(json)).toEqual([
      '$.schemaVersion: is required',
      '$.panels[0].colour: is not a field of the SDK type',
      '$.panels[0].gridPos: does not fit the 24-column grid (x=0, w=30)',
      '$.panels[0].targets[0].expr: is required',
    ]);
  });

  test('the mount check reports a rule file left out of the projected volume', () => {
    const objects = PLATFORMS[0].objects().map((o) => structuredClone(o));
    const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus')!;
    const rules = sts.spec.template.spec.volumes.find((v: any) => v.name === 'rules');
    rules.projected.sources = [];
    expect(ruleMountProblems(objects)).toEqual(
      expect.arrayContaining([
        '/etc/prometheus/rules/*.rules.yml: matches no mounted file',
        'prometheus-rules-0/platform.rules.yml: is a rule file no rule_files glob loads (not mounted into Prometheus)',
      ]),
    );
  });
});
