import { ApiObject, Chart } from 'cdk8s';
import { ConfigError, ConfigProblem, formatProblem } from '../common/errors';

/**
 * Argo CD sync waves for the stack's objects, applied in one place: a pass over every ApiObject of the chart, by kind,
 * when the chart is synthesized (so objects added by later `add*()` calls get theirs too).
 *
 * How Argo CD uses them (docs/user-guide/sync-waves.md of Argo CD v3.5): it orders a sync by phase, then wave (lowest
 * first), then kind, then name, applies the first wave holding anything out of sync or unhealthy, and applies the next
 * wave only once every resource of that wave is healthy. So a wave must hold only what the next waves need, and
 * nothing that can only become healthy later. The stack's waves:
 *
 * | wave | kinds | why here |
 * | --- | --- | --- |
 * | 0 | Namespace, CustomResourceDefinition, PriorityClass | everything else lives in a namespace or is typed by a CRD |
 * | 1 | ServiceAccount, ClusterRole(Binding), Role(Binding), NetworkPolicy, PodDisruptionBudget, ResourceQuota, LimitRange | identities, permissions and guard rails exist before anything runs: no pod ever starts without its default-deny policy or its account |
 * | 2 | ConfigMap, Secret, cert-manager Certificate, and the Prometheus Operator's PrometheusRule, ServiceMonitor, PodMonitor, Probe, ScrapeConfig, AlertmanagerConfig | configuration: mounted by the pods, or read by someone else's Prometheus/Alertmanager, which need no workload of ours to exist |
 * | 3 | Service | the Services pods and peers resolve (ClusterIP Services are healthy at once) |
 * | 4 | Deployment, StatefulSet, DaemonSet, Job, CronJob, HorizontalPodAutoscaler, PersistentVolumeClaim, Ingress | workloads, and what only turns healthy with or after them: a PersistentVolumeClaim of a `WaitForFirstConsumer` class stays Pending (Progressing) until a pod uses it, an Ingress stays Progressing until its controller publishes an address (gitops-engine's health_pvc.go, health_ingress.go): in an earlier wave either would stall the sync |
 *
 * NetworkPolicies go first rather than last: applied after the workloads, every pod would run unprotected for the
 * length of a sync; a policy that is wrong blocks traffic whenever it is applied, first or last. The workloads are
 * the last wave, so a pod that never turns ready (a Secret you have not created yet) leaves the sync Progressing with
 * everything else already applied. A kind not in the table goes with the workloads (and synth warns).
 *
 * No hooks: the stack writes no `argocd.argoproj.io/hook` resources; nothing needs to run around a sync.
 */

/** The annotations the stack writes (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/, .../sync-options/). */
export const ARGOCD_ANNOTATIONS = {
  syncWave: 'argocd.argoproj.io/sync-wave',
  syncOptions: 'argocd.argoproj.io/sync-options',
  hook: 'argocd.argoproj.io/hook',
} as const;

/** The waves, named. */
export const SYNC_WAVE = { foundations: 0, identity: 1, config: 2, services: 3, workloads: 4 } as const;

/** The wave of each kind (see the table above). */
export const SYNC_WAVES: Readonly<Record<string, number>> = {
  Namespace: SYNC_WAVE.foundations,
  CustomResourceDefinition: SYNC_WAVE.foundations,
  PriorityClass: SYNC_WAVE.foundations,
  ServiceAccount: SYNC_WAVE.identity,
  ClusterRole: SYNC_WAVE.identity,
  ClusterRoleBinding: SYNC_WAVE.identity,
  Role: SYNC_WAVE.identity,
  RoleBinding: SYNC_WAVE.identity,
  NetworkPolicy: SYNC_WAVE.identity,
  PodDisruptionBudget: SYNC_WAVE.identity,
  ResourceQuota: SYNC_WAVE.identity,
  LimitRange: SYNC_WAVE.identity,
  ConfigMap: SYNC_WAVE.config,
  Secret: SYNC_WAVE.config,
  Certificate: SYNC_WAVE.config,
  PrometheusRule: SYNC_WAVE.config,
  ServiceMonitor: SYNC_WAVE.config,
  PodMonitor: SYNC_WAVE.config,
  Probe: SYNC_WAVE.config,
  ScrapeConfig: SYNC_WAVE.config,
  AlertmanagerConfig: SYNC_WAVE.config,
  Service: SYNC_WAVE.services,
  Deployment: SYNC_WAVE.workloads,
  StatefulSet: SYNC_WAVE.workloads,
  DaemonSet: SYNC_WAVE.workloads,
  Job: SYNC_WAVE.workloads,
  CronJob: SYNC_WAVE.workloads,
  HorizontalPodAutoscaler: SYNC_WAVE.workloads,
  PersistentVolumeClaim: SYNC_WAVE.workloads,
  Ingress: SYNC_WAVE.workloads,
};

export interface SyncWaveProps {
  /** Waves for more kinds, or other waves for the stack's (`{ MyCustomResource: 2 }`). @default - SYNC_WAVES only */
  readonly syncWaves?: Readonly<Record<string, number>>;
}

function waveProblems(waves: Readonly<Record<string, number>>, path: string): ConfigProblem[] {
  return Object.entries(waves).flatMap(([kind, wave]) =>
    Number.isInteger(wave) ? [] : [{ path: `${path}.syncWaves.${kind}`, message: 'must be a whole number (Argo CD waves are integers, negative ones first)', value: wave, fix: 'use e.g. 2.' }],
  );
}

/** The wave of a kind, or undefined when no table names it. */
export function syncWaveOf(kind: string, extra: Readonly<Record<string, number>> = {}): number | undefined {
  return extra[kind] ?? SYNC_WAVES[kind];
}

/**
 * Annotates every ApiObject of `chart` with its sync wave, by kind, when the chart is synthesized. An object that
 * already carries a wave keeps it. cdk8s has no aspects; the pass runs as a validation of the chart, which cdk8s runs
 * once before every synthesis, after every construct exists (it reports no problems).
 * @throws ConfigError when a wave is not a whole number.
 */
export function applySyncWaves(chart: Chart, props: SyncWaveProps = {}): void {
  const extra = props.syncWaves ?? {};
  const problems = waveProblems(extra, chart.node.path);
  if (problems.length > 0) throw new ConfigError(problems);
  const warned = new Set<string>();
  chart.node.addValidation({
    validate: () => {
      for (const c of chart.node.findAll()) {
        if (!(c instanceof ApiObject) || Chart.of(c) !== chart) continue;
        if (c.metadata.toJson().annotations?.[ARGOCD_ANNOTATIONS.syncWave] !== undefined) continue;
        let wave = syncWaveOf(c.kind, extra);
        if (wave === undefined) {
          wave = SYNC_WAVE.workloads;
          if (!warned.has(c.kind)) {
            warned.add(c.kind);
            process.emitWarning(formatProblem({
              path: c.node.path,
              message: `is a ${c.kind}, a kind without an Argo CD sync wave; it goes with the workloads (wave ${wave})`,
              value: c.kind,
              fix: `give it a wave: argoCd: { syncWaves: { ${c.kind}: <wave> } }.`,
            }), { code: 'ARGOCD_SYNC_WAVE' });
          }
        }
        c.metadata.addAnnotation(ARGOCD_ANNOTATIONS.syncWave, String(wave));
      }
      return [];
    },
  });
}
