import { formatProblem } from '../../../src/common/errors';
import { ruleFileProblems, ruleProblems } from '../../../src/common/rules';
import { platformAlertRules } from '../../../src/components/prometheus';

const messages = (rule: unknown) => ruleProblems(rule as never, 'r').map(formatProblem);

describe('ruleProblems: what Prometheus refuses at load, found at synth', () => {
  test('valid recording and alerting rules, and the platform alerts, have no problems', () => {
    expect(messages({ record: 'job:http_requests:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))', labels: { team: 'shop' } })).toEqual([]);
    expect(messages({ alert: 'Down', expr: 'up == 0', for: '0s', keepFiringFor: '5m', labels: { severity: 'critical' }, annotations: { summary: '{{ $labels.instance }} is down' } })).toEqual([]);
    expect(ruleFileProblems({ fileName: 'platform.rules.yml', groups: [platformAlertRules()] }, 'p')).toEqual([]);
  });

  test('a rule must be either a recording or an alerting rule', () => {
    expect(messages({ record: 'a:b', alert: 'A', expr: 'up' })).toEqual([
      'r: sets both "record" and "alert" (Prometheus refuses the file) (got {"record":"a:b","alert":"A"}). Fix: make it either a recording rule or an alerting rule.',
    ]);
    expect(messages({ expr: 'up' })).toEqual(['r: sets neither "record" nor "alert" (Prometheus refuses the file) (got ["expr"]). Fix: name the recorded series with record, or the alert with alert.']);
  });

  test('names, durations and the expression are all checked, every problem reported', () => {
    const found = messages({ alert: ' ', expr: 'sum(rate(x[5m])) by job', for: '5 minutes', keepFiringFor: '-1m', labels: { '1st': 'x', __name__: 'y' }, annotations: { 'run-book': 'x' } });
    expect(found.map((m) => m.split(':')[0])).toEqual([
      'r.alert',
      'r.for',
      'r.keepFiringFor',
      'r.annotations.run-book',
      'r.expr',
      'r.labels.1st',
      'r.labels.__name__',
    ]);
    expect(found[4]).toContain('"by" needs its labels in parentheses at column 21 of the PromQL expression');
  });

  test('an empty expression is a problem, not a crash', () => {
    expect(messages({ record: 'a:b', expr: '' })).toEqual(['r.expr: is an empty PromQL expression (got ""). Fix: write a PromQL expression, e.g. sum(rate(http_requests_total[5m])).']);
  });
});
