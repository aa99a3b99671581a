import { ConfigError, ConfigProblem } from '../../common/errors';
import { portProblems } from '../../common/validation';
import {
  COMPONENT_ID,
  CollectorConfig,
  SIGNAL_TYPES,
  SignalType,
  isOpenConfig,
  parseComponentId,
} from './config';

/**
 * What the collector checks at start, checked at synth: pipelines name defined components, ids are well-formed, the
 * processor order the collector docs recommend.
 */

type Kind = 'receiver' | 'processor' | 'exporter' | 'extension';
const SECTION: Record<Kind, 'receivers' | 'processors' | 'exporters' | 'extensions'> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
};

/** The signals each typed component supports; open components are not checked. */
const SUPPORTED_SIGNALS: Partial<Record<string, readonly SignalType[]>> = {
  'receiver:filelog': ['logs'],
};

function quoteList(ids: readonly string[]): string {
  return ids.map((i) => `"${i}"`).join(', ');
}

function definedList(kind: Kind, ids: readonly string[]): string {
  return ids.length === 0 ? `no ${SECTION[kind]} are defined` : `defined ${SECTION[kind]}: ${quoteList(ids)}`;
}

function checkSection(kind: Kind, section: Readonly<Record<string, object>> | undefined, out: ConfigProblem[]): void {
  for (const [id, cfg] of Object.entries(section ?? {})) {
    const path = `${SECTION[kind]}.${id}`;
    if (!COMPONENT_ID.test(id)) {
      out.push({
        path,
        message: `is not a valid ${kind} id`,
        value: id,
        fix: 'write `type` or `type/name`: a type of letters, digits and underscores starting with a letter, and a name without spaces or "/".',
      });
      continue;
    }
    if (!isOpenConfig(cfg)) {
      const typed = (cfg as { type: string }).type;
      const { type } = parseComponentId(id);
      if (typed !== type) {
        out.push({
          path,
          message: `holds a "${typed}" ${kind} config under an id of type "${type}"`,
          value: id,
          fix: `key it "${typed}" or "${typed}/<name>", or use the typed config of the ${type} ${kind}.`,
        });
      }
    }
  }
}

/**
 * Checks what the collector checks at start (pipelines name defined components, at least one receiver and one
 * exporter each, no component listed twice, enabled extensions exist, filelog's storage extension is enabled) plus
 * the collector docs' processor order: `memory_limiter` first and `batch` last in every pipeline that uses them.
 * The order rules are ERRORS, not warnings: every config this stack generates follows them, and a misordered
 * memory_limiter cannot apply backpressure before other processors buffer data.
 * @throws ConfigError listing every problem.
 */
export function validateCollectorConfig(config: CollectorConfig): void {
  const problems: ConfigProblem[] = [];
  checkSection('receiver', config.receivers, problems);
  checkSection('processor', config.processors, problems);
  checkSection('exporter', config.exporters, problems);
  checkSection('extension', config.extensions, problems);

  const defined: Record<Kind, string[]> = {
    receiver: Object.keys(config.receivers ?? {}).sort(),
    processor: Object.keys(config.processors ?? {}).sort(),
    exporter: Object.keys(config.exporters ?? {}).sort(),
    extension: Object.keys(config.extensions ?? {}).sort(),
  };
  const sections: Record<Kind, Readonly<Record<string, object>>> = {
    receiver: config.receivers ?? {},
    processor: config.processors ?? {},
    exporter: config.exporters ?? {},
    extension: config.extensions ?? {},
  };

  const enabledExtensions = config.service.extensions ?? [];
  enabledExtensions.forEach((ext, i) => {
    if (!(ext in sections.extension)) {
      problems.push({
        path: `service.extensions[${i}]`,
        message: `names extension "${ext}", which is not defined (${definedList('extension', defined.extension)})`,
        fix: `define extensions["${ext}"] or remove "${ext}" from service.extensions.`,
      });
    }
  });
  for (const dup of duplicates(enabledExtensions)) {
    problems.push({ path: 'service.extensions', message: `lists extension "${dup}" more than once`, fix: 'list each extension once.' });
  }

  const pipelineIds = Object.keys(config.service.pipelines ?? {});
  if (pipelineIds.length === 0) {
    problems.push({
      path: 'service.pipelines',
      message: 'is empty: the collector refuses to start without a pipeline',
      fix: 'add a traces, metrics or logs pipeline.',
    });
  }

  for (const pid of pipelineIds) {
    const p = config.service.pipelines[pid];
    const path = `service.pipelines.${pid}`;
    const { type: signal } = parseComponentId(pid);
    if (!COMPONENT_ID.test(pid) || !(SIGNAL_TYPES as readonly string[]).includes(signal)) {
      problems.push({
        path,
        message: 'is not a valid pipeline id',
        value: pid,
        fix: `key pipelines "<signal>" or "<signal>/<name>" with a signal of ${SIGNAL_TYPES.join(', ')}.`,
      });
      continue;
    }
    const lists: [Kind, readonly string[]][] = [
      ['receiver', p.receivers ?? []],
      ['processor', p.processors ?? []],
      ['exporter', p.exporters ?? []],
    ];
    for (const [kind, ids] of lists) {
      const listPath = `${path}.${SECTION[kind]}`;
      ids.forEach((id) => {
        const cfg = sections[kind][id];
        if (cfg === undefined) {
          problems.push({
            path: listPath,
            message: `names ${kind} "${id}", which is not defined (${definedList(kind, defined[kind])})`,
            fix: `define ${SECTION[kind]}["${id}"] or remove "${id}" from pipeline "${pid}".`,
          });
          return;
        }
        const supported = isOpenConfig(cfg) ? undefined : SUPPORTED_SIGNALS[`${kind}:${(cfg as { type: string }).type}`];
        if (supported && !supported.includes(signal as SignalType)) {
          problems.push({
            path: listPath,
            message: `names ${kind} "${id}", which does not support ${signal} (it supports ${supported.join(', ')})`,
            fix: `move "${id}" to a ${supported.join(' or ')} pipeline.`,
          });
        }
      });
      for (const dup of duplicates(ids)) {
        problems.push({ path: listPath, message: `lists ${kind} "${dup}" more than once`, fix: `list "${dup}" once.` });
      }
    }
    for (const kind of ['receiver', 'exporter'] as const) {
      if ((kind === 'receiver' ? p.receivers : p.exporters)?.length ?? 0) continue;
      problems.push({
        path: `${path}.${SECTION[kind]}`,
        message: `is empty: a pipeline needs at least one ${kind}`,
        fix:
          defined[kind].length > 0
            ? `list one of the ${definedList(kind, defined[kind])}, or remove pipeline "${pid}".`
            : `define a ${kind} under ${SECTION[kind]} and list it, or remove pipeline "${pid}".`,
      });
    }
    problems.push(...processorOrderProblems(pid, p.processors ?? []));
  }

  for (const [id, r] of Object.entries(config.receivers ?? {})) {
    if (isOpenConfig(r) || r.type !== 'filelog' || r.storage === undefined) continue;
    if (!enabledExtensions.includes(r.storage) || !(r.storage in sections.extension)) {
      problems.push({
        path: `receivers.${id}.storage`,
        message: `names extension "${r.storage}", which is not both defined and listed in service.extensions`,
        fix: `define extensions["${r.storage}"] (a file_storage) and add "${r.storage}" to service.extensions.`,
      });
    }
  }

  for (const [id, e] of Object.entries(config.exporters ?? {})) {
    if (isOpenConfig(e) || (e.type !== 'otlp' && e.type !== 'otlphttp')) continue;
    const storage = e.sendingQueue?.storage;
    if (storage !== undefined && (!enabledExtensions.includes(storage) || !(storage in sections.extension))) {
      problems.push({
        path: `exporters.${id}.sending_queue.storage`,
        message: `names extension "${storage}", which is not both defined and listed in service.extensions`,
        fix: `define extensions["${storage}"] (a file_storage) and add "${storage}" to service.extensions.`,
      });
    }
  }

  const prom = config.service.telemetry?.metrics?.prometheus;
  if (prom) problems.push(...portProblems(prom.port, 'service.telemetry.metrics.prometheus.port', 8888));

  if (problems.length > 0) throw new ConfigError(problems);
}

function duplicates(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

/** memory_limiter first, batch last (https://github.com/open-telemetry/opentelemetry-collector/tree/main/processor#recommended-processors). */
function processorOrderProblems(pid: string, processors: readonly string[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const path = `service.pipelines.${pid}.processors`;
  const typeOf = (id: string) => parseComponentId(id).type;
  const limiters = processors.filter((id) => typeOf(id) === 'memory_limiter');
  if (limiters.length > 0 && typeOf(processors[0]) !== 'memory_limiter') {
    const fixed = [limiters[0], ...processors.filter((id) => id !== limiters[0])];
    out.push({
      path,
      message: `puts "${limiters[0]}" at position ${processors.indexOf(limiters[0]) + 1}; memory_limiter must be the first processor, so it refuses data before any other processor holds it`,
      value: processors,
      fix: `order the processors [${fixed.join(', ')}].`,
    });
  }
  const batches = processors.filter((id) => typeOf(id) === 'batch');
  const last = batches[batches.length - 1];
  if (last !== undefined && typeOf(processors[processors.length - 1]) !== 'batch') {
    const fixed = [...processors.filter((id) => id !== last), last];
    out.push({
      path,
      message: `puts "${last}" at position ${processors.indexOf(last) + 1} of ${processors.length}; batch must be the last processor, so processors after it do not split its batches`,
      value: processors,
      fix: `order the processors [${fixed.join(', ')}].`,
    });
  }
  return out;
}
