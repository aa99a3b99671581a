import { parser } from '@prometheus-io/lezer-promql';

/**
 * PromQL checks for dashboard queries. Grafana macros and template variables are not PromQL: they are replaced by
 * what Grafana would send (`$__rate_interval` → `5m`, `$var` → `.*`) before parsing.
 */
export function substituteGrafanaMacros(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\{?[A-Za-z_]\w*\}?/g, '.*');
}

/** The text of every syntax error in the expression (empty when it parses). */
export function promqlErrors(expr: string): string[] {
  const src = substituteGrafanaMacros(expr);
  const errors: string[] = [];
  parser.parse(src).iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(`syntax error at ${n.from}: ${JSON.stringify(src.slice(Math.max(0, n.from - 10), n.to + 10))}`);
    },
  });
  return errors;
}

/** The metric names the expression selects. */
export function metricNames(expr: string): string[] {
  const src = substituteGrafanaMacros(expr);
  const names: string[] = [];
  parser.parse(src).iterate({
    enter: (n) => {
      if (n.type.name === 'Identifier' && n.node.parent?.type.name === 'VectorSelector') names.push(src.slice(n.from, n.to));
    },
  });
  return names;
}

/** The range of every range selector (`x[5m]` → `5m`), before macro substitution. */
export function rangeWindows(expr: string): string[] {
  return [...expr.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
}
