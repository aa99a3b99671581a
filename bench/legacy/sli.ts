import { RecordingRule } from '../../src/common/rules';
import { sliErrorRatioRecord } from '../../src/conventions';
import { SloDefinition, SloSettings } from '../../src/slo/model';
import {
  errorEventsIncreaseExpr,
  errorEventsRateExpr,
  errorIncreaseRecord,
  errorRateRecord,
  sloFilter,
  totalEventsIncreaseExpr,
  totalEventsRateExpr,
  totalIncreaseRecord,
  totalRateRecord,
  windowLabels,
} from './expr';

/**
 * SLI recordings, `slo:sli_error:ratio_rate<window>` with Sloth's labels, computed cheaply:
 *
 * - short windows (≤ `rawWindowMax`, 5m/30m/1h by default) from the raw source series, aggregated to one series of
 *   bad and one of all events per second; the ratio divides the two recordings;
 * - every `tileInterval` (5m) a slow group records the bad and all events of the last tile;
 * - long windows (2h, 6h, 1d, 3d) and the period (30d) are `sum_over_time` of the bad tiles over `sum_over_time`
 *   of the total tiles: a traffic-weighted ratio (the true ratio of the window, not an average of ratios), reading
 *   one sample per tile instead of every raw sample of every source series.
 *
 * Sloth's shape reads every raw sample of 5m…3d per cycle and averages the 5m ratio over 30d
 * (https://github.com/slok/sloth/blob/main/internal/prometheus/recording_rules.go).
 */

/** Short-window recordings over the raw series, every short window (the group at the global evaluation interval): the per-SLO rules never summed pieces. */
export function sliShortWindowRules(slo: SloDefinition): RecordingRule[] {
  const f = sloFilter(slo);
  return slo.sliWindows
    .filter((w) => w.source !== 'tiles')
    .flatMap((w): RecordingRule[] => [
      { record: errorRateRecord(w.window), expr: errorEventsRateExpr(slo.sli, w.window), labels: windowLabels(slo, w.window) },
      { record: totalRateRecord(w.window), expr: totalEventsRateExpr(slo.sli, w.window), labels: windowLabels(slo, w.window) },
      {
        record: sliErrorRatioRecord(w.window),
        expr: `${errorRateRecord(w.window)}${f}\n/\n${totalRateRecord(w.window)}${f}`,
        labels: windowLabels(slo, w.window),
      },
    ]);
}

/** The tiles: bad and all events of the last tile, recorded once per tile (the group with interval `tileInterval`). */
export function sliTileRules(slo: SloDefinition, settings: SloSettings): RecordingRule[] {
  const t = settings.tileInterval;
  return [
    { record: errorIncreaseRecord(t), expr: errorEventsIncreaseExpr(slo.sli, t), labels: windowLabels(slo, t) },
    { record: totalIncreaseRecord(t), expr: totalEventsIncreaseExpr(slo.sli, t), labels: windowLabels(slo, t) },
  ];
}

/** Long windows and the period, from the tiles (the group with interval `longWindowInterval`). */
export function sliLongWindowRules(slo: SloDefinition, settings: SloSettings): RecordingRule[] {
  const f = sloFilter(slo);
  const t = settings.tileInterval;
  return slo.sliWindows
    .filter((w) => w.source === 'tiles')
    .map((w) => ({
      record: sliErrorRatioRecord(w.window),
      expr: `sum_over_time(${errorIncreaseRecord(t)}${f}[${w.window}])\n/\nsum_over_time(${totalIncreaseRecord(t)}${f}[${w.window}])`,
      labels: windowLabels(slo, w.window),
    }));
}
