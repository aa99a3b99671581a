import { RuleFile, RuleGroup } from '../../common/rules';
import { GlobalConfig } from './config';
import type { AddScrapeConfigOptions } from './prometheus';
import { ScrapeConfig } from './scrape-config';

/**
 * Where the stack's rule files and scrape jobs go: the in-stack `Prometheus`, or, in operator mode, the Prometheus
 * Operator resources (`PrometheusOperatorResources`: PrometheusRules, PodMonitors, ...) that a Prometheus managed by
 * the operator loads. The SLO construct, the platform alerts and the exporters' jobs are wired to this interface, so
 * they land in either.
 */
export interface IPrometheusSink {
  /** The global settings the rules and jobs run under: `global.scrapeInterval`, `global.evaluationInterval`. */
  readonly model: { readonly global: GlobalConfig };
  /** The scrape jobs, in order. */
  readonly jobs: readonly ScrapeConfig[];
  /** The rule files, in the order added. */
  readonly ruleFiles: readonly RuleFile[];
  /** Adds a scrape job. @throws ConfigError when it is malformed or its name is taken */
  addScrapeConfig(job: ScrapeConfig, options?: AddScrapeConfigOptions): unknown;
  /** Adds a rule file. @throws ConfigError when a rule is malformed or the name is taken */
  addRuleFile(file: RuleFile): unknown;
  /** Adds one rule group as its own rule file. */
  addRuleGroup(group: RuleGroup, fileName?: string): unknown;
}
