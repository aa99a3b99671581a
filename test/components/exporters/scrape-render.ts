import { renderScrapeConfig } from '../../../src/components/prometheus/config';
import { ScrapeConfig } from '../../../src/components/prometheus/scrape-config';

/** A minimal prometheus.yml holding the given jobs, rendered by the Prometheus component's own renderer. */
export function minimalPrometheusConfig(jobs: readonly ScrapeConfig[]): Record<string, unknown> {
  return {
    global: { scrape_interval: '30s', scrape_timeout: '10s' },
    scrape_configs: jobs.map(renderScrapeConfig),
  };
}
