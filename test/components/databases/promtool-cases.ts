import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRuleFile, RuleFile } from '../../../src/common/rules';
import { toYaml } from '../../../src/common/serialize';
import { promtool, ToolResult, writeTree } from '../../helpers/tools';

/**
 * `promtool test rules` cases for the database alerts, as data: each case is its own test group (its own series),
 * checked through the `ALERTS` series the rules write (alertname, alertstate and every label of the alert, exactly),
 * so the generated rule file runs unmodified. Cases that also check the rendered annotations use `alert_rule_test`.
 */

export interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** promtool's expanding notation, e.g. `0+60x30`, `1x10 0x20`. */
  readonly values: string;
}

export interface AlertCase {
  /** A behaviour sentence (the test group's name). */
  readonly name: string;
  readonly alert: string;
  readonly series: readonly Series[];
  /** When to look (promtool duration). */
  readonly at: string;
  /** The label sets of the firing alerts (besides alertname and alertstate); empty: silent. */
  readonly firing: readonly Readonly<Record<string, string>>[];
  /** Check the rendered annotations of the first firing alert too (alert_rule_test). @default - not checked */
  readonly annotations?: Readonly<Record<string, string>>;
  /** @default '1m' */
  readonly interval?: string;
}

function selector(name: string, labels: Readonly<Record<string, string>>): string {
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** The promtool test file of some cases over one rule file. */
export function promtoolTestFile(ruleFile: string, cases: readonly AlertCase[]): string {
  return toYaml(
    {
      rule_files: [ruleFile],
      evaluation_interval: '1m',
      tests: cases.map((c) => ({
        name: c.name,
        interval: c.interval ?? '1m',
        input_series: c.series.map((s) => ({ series: selector(s.name, s.labels), values: s.values })),
        promql_expr_test: [
          {
            expr: `ALERTS{alertname=${JSON.stringify(c.alert)}, alertstate="firing"}`,
            eval_time: c.at,
            exp_samples: c.firing.map((l) => ({ labels: selector('ALERTS', { alertname: c.alert, alertstate: 'firing', ...l }), value: 1 })),
          },
        ],
        alert_rule_test: c.annotations
          ? [{ eval_time: c.at, alertname: c.alert, exp_alerts: c.firing.map((l) => ({ exp_labels: { ...l }, exp_annotations: { ...c.annotations } })) }]
          : undefined,
      })),
    },
    { header: false },
  );
}

/** Runs the cases against a generated rule file with the deployed release's promtool. */
export function runAlertCases(file: RuleFile, cases: readonly AlertCase[]): ToolResult {
  const dir = writeTree({ [file.fileName]: renderRuleFile(file.groups) });
  const test = join(dir, 'test.yml');
  writeFileSync(test, promtoolTestFile(file.fileName, cases));
  return promtool(['test', 'rules', test], dir);
}
