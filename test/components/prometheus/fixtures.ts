import { Chart, Testing } from 'cdk8s';
import { IAlertmanager } from '../../../src/common/endpoints';
import { RuleFile, RuleGroup } from '../../../src/common/rules';
import { Prometheus, PrometheusProps } from '../../../src/components/prometheus';
import { K8sObject, synthObjects } from '../../helpers/synth';

export function newChart(): Chart {
  return new Chart(Testing.app(), 'test');
}

export function synthPrometheus(props: PrometheusProps = {}): { chart: Chart; prometheus: Prometheus; objects: () => K8sObject[] } {
  const chart = newChart();
  const prometheus = new Prometheus(chart, 'prometheus', props);
  return { chart, prometheus, objects: () => synthObjects(chart) };
}

/** An Alertmanager whose targets can change after it is handed over (to prove they are read by reference). */
export class FakeAlertmanager implements IAlertmanager {
  public current: string[];
  constructor(targets: string[], public readonly url = 'http://alertmanager.observability.svc:9093') {
    this.current = targets;
  }
  public get targets(): readonly string[] {
    return this.current;
  }
}

const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'];

/**
 * A rule file shaped like the SLO generator's output for one service with three SLOs (availability, latency, error
 * rate): per SLO, a recording group over eight windows and an alert group. About 20 KB per service, so 1000
 * services make some 20 MB of rules.
 */
export function sloLikeRuleFile(service: string): RuleFile {
  const groups: RuleGroup[] = [];
  for (const slo of ['availability', 'latency', 'error-rate']) {
    const labels = { sloth_id: `${service}-${slo}`, sloth_service: service, sloth_slo: slo };
    groups.push({
      name: `slo-sli-recordings-${service}-${slo}`,
      rules: WINDOWS.map((w) => ({
        record: `slo:sli_error:ratio_rate${w}`,
        expr:
          `(sum(rate(http_requests_total{service="${service}",status=~"5.."}[${w}])))` +
          ` / (sum(rate(http_requests_total{service="${service}"}[${w}])))`,
        labels: { ...labels, sloth_window: w },
      })),
    });
    groups.push({
      name: `slo-alerts-${service}-${slo}`,
      rules: [
        {
          alert: 'SLOErrorBudgetBurn',
          expr:
            `(max(slo:sli_error:ratio_rate5m{sloth_id="${service}-${slo}"} > (14.4 * 0.001)) without (sloth_window)` +
            ` and max(slo:sli_error:ratio_rate1h{sloth_id="${service}-${slo}"} > (14.4 * 0.001)) without (sloth_window))`,
          labels: { severity: 'critical', sloth_severity: 'page', service, slo },
          annotations: { summary: `${service} ${slo} error budget burn`, description: 'Burning the error budget too fast.' },
        },
        {
          alert: 'SLOErrorBudgetBurn',
          expr:
            `(max(slo:sli_error:ratio_rate2h{sloth_id="${service}-${slo}"} > (3 * 0.001)) without (sloth_window)` +
            ` and max(slo:sli_error:ratio_rate1d{sloth_id="${service}-${slo}"} > (3 * 0.001)) without (sloth_window))`,
          labels: { severity: 'warning', sloth_severity: 'ticket', service, slo },
          annotations: { summary: `${service} ${slo} error budget burn`, description: 'Burning the error budget.' },
        },
      ],
    });
  }
  return { fileName: `slo-${service}.rules.yml`, groups };
}

/** A rule file of roughly `kib` KiB (one group of padded recording rules). */
export function paddedRuleFile(fileName: string, kib: number): RuleFile {
  const rule = { record: 'padding:up', expr: `sum(up{job="${'x'.repeat(900)}"})` };
  const count = Math.ceil((kib * 1024) / 900); // each rendered rule takes a bit over 900 bytes
  return { fileName, groups: [{ name: fileName.replace(/\.rules\.yml$/, ''), rules: Array.from({ length: count }, () => rule) }] };
}
