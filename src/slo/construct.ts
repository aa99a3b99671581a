import { Construct } from 'constructs';
import { ConfigError, ConfigWarning, emitWarnings } from '../common/errors';
import { RuleFile } from '../common/rules';
import { InhibitRule } from '../components/alertmanager';
import { BlackboxExporter } from '../components/exporters';
import { Grafana } from '../components/grafana';
import { IPrometheusSink } from '../components/prometheus';
import { SloDashboardsMode, sloCatalogDashboards } from './dashboards';
import { buildSloModel, SloModel, SloModelOptions } from './model';
import { generateSloRuleFiles, sloInhibitRules } from './rules';
import { ServiceSpec } from './spec';
import { sloWarnings } from './warnings';

/** Options of SLO generation, as the stack takes them. */
export type SloCatalogOptions = Omit<SloModelOptions, 'evaluationInterval'> & {
  /**
   * Which SLO dashboards to provision into Grafana (folder `SLOs`):
   * - `'templated'` (or `true`): the SLO overview plus ONE detail dashboard (uid `slo-detail`) whose `service` and
   *   `slo` variables pick the SLO, as Sloth and Pyrra ship it. Its size depends only on the distinct alert window
   *   tables, not on the number of services;
   * - `'per-service'`: the overview plus one dashboard per service (a row per SLO, static thresholds). With 1000
   *   services that is ~78 MB of dashboard JSON, which dominates synth time and memory and fills many ConfigMaps;
   * - `false`: none.
   * @default 'templated' - constant size at any catalog size
   */
  readonly dashboards?: SloDashboardsMode;
  /** The blackbox module probe-based availability SLIs use. @default 'http_2xx' */
  readonly probeModule?: string;
};

export interface ServiceLevelObjectivesProps extends SloCatalogOptions {
  /** The service catalog. */
  readonly services: readonly ServiceSpec[];
  /**
   * Receives the generated rule files (the in-stack Prometheus, or the operator's resources); its evaluation interval
   * is the one the rules are proven at.
   */
  readonly prometheus: IPrometheusSink;
  /** Receives the page-inhibits-ticket rule (an Alertmanager, or operator mode's AlertmanagerConfig). @default - no inhibition */
  readonly alertmanager?: { addInhibitRule(rule: InhibitRule): unknown };
  /** Receives the SLO dashboards. @default - no dashboards */
  readonly grafana?: Grafana;
  /** Probes services whose availability SLI is `probe`. @default - probe-based SLIs fail synth */
  readonly blackboxExporter?: BlackboxExporter;
}

/** Grafana folder of the SLO dashboards. */
export const SLO_DASHBOARD_FOLDER = 'SLOs';
/** Prometheus job probing services for probe-based availability SLIs. */
export const SLO_PROBE_JOB = 'slo-probes';

/**
 * SLOs as code, wired into the stack: builds the validated SLO model from the catalog and hands its outputs to the
 * components that use them — rule files to Prometheus, the page-inhibits-ticket rule to Alertmanager, probe jobs to
 * Prometheus through the blackbox exporter, dashboards to Grafana.
 */
export class ServiceLevelObjectives extends Construct {
  public readonly model: SloModel;
  public readonly ruleFiles: readonly RuleFile[];
  /** Legal SLO input that is almost surely a mistake (see `sloWarnings`); printed at synth. */
  public readonly warnings: readonly ConfigWarning[];

  constructor(scope: Construct, id: string, props: ServiceLevelObjectivesProps) {
    super(scope, id);
    const { services, prometheus, alertmanager, grafana, blackboxExporter, dashboards, probeModule, ...options } = props;
    // The rules run at Prometheus' evaluation interval: read by reference, already parsed.
    this.model = buildSloModel(services, { ...options, evaluationInterval: prometheus.model.global.evaluationInterval }, this.node.path);

    this.warnings = sloWarnings(this.model, this.node.path);
    // One line per distinct problem, naming the SLOs it affects: a class shared by 100 services warns once.
    emitWarnings(this.warnings);

    this.ruleFiles = generateSloRuleFiles(this.model);
    for (const file of this.ruleFiles) prometheus.addRuleFile(file);

    for (const rule of sloInhibitRules(this.model)) alertmanager?.addInhibitRule(rule);

    const probed = services.filter((s) =>
      this.model.services.find((m) => m.name === s.name)?.slos.some((slo) => slo.sli.kind === 'availability' && slo.sli.source === 'probe'),
    );
    if (probed.length > 0) {
      const missing = probed.filter((s) => !s.probeUrl);
      if (!blackboxExporter || missing.length > 0) {
        throw new ConfigError(
          (missing.length > 0 ? missing : probed).map((s) => ({
            path: `${this.node.path}.services.${s.name}.${blackboxExporter ? 'probeUrl' : 'slos'}`,
            message: blackboxExporter
              ? "is required: the service has a probe-based availability SLO ('sli.source: probe')"
              : 'has a probe-based availability SLO but the stack has no blackbox exporter',
            value: blackboxExporter ? s.probeUrl : 'probe',
            fix: blackboxExporter
              ? "set 'probeUrl' to the URL the blackbox exporter should probe, e.g. \"http://order-service.shop.svc:8080/healthz\"."
              : "keep the blackbox exporter enabled, or use 'source: up'.",
          })),
        );
      }
      prometheus.addScrapeConfig(
        blackboxExporter.probeScrapeConfig({
          jobName: SLO_PROBE_JOB,
          module: probeModule ?? 'http_2xx',
          targets: probed.map((s) => ({ service: s.name, url: s.probeUrl as string })),
        }),
      );
    }

    for (const dashboard of grafana ? sloCatalogDashboards(this.model, dashboards, this.node.path) : []) {
      grafana!.addDashboard(dashboard, { folder: SLO_DASHBOARD_FOLDER });
    }
  }
}
