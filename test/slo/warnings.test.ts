import { buildSloModel, extremeTargetWarnings } from '../../src/slo';
import { formatProblem } from '../../src/common/errors';

describe('extreme-target warnings', () => {
  test.each([
    [99.9, []],
    [99, []],
    [
      90,
      [
        'services.batch.slos.error-rate.objective: the page alert over 1h/5m can never fire: it needs a 14.4× burn, but at this objective a full outage burns at most 10× (got 90). Fix: raise the objective above 93.0555555556% for this window to work, or accept that only the slower windows alert.',
      ],
    ],
    [
      80,
      [
        'services.batch.slos.error-rate.objective: the page alert over 1h/5m can never fire: it needs a 14.4× burn, but at this objective a full outage burns at most 5× (got 80). Fix: raise the objective above 93.0555555556% for this window to work, or accept that only the slower windows alert.',
        'services.batch.slos.error-rate.objective: the page alert over 6h/30m can never fire: it needs a 6× burn, but at this objective a full outage burns at most 5× (got 80). Fix: raise the objective above 83.3333333333% for this window to work, or accept that only the slower windows alert.',
      ],
    ],
  ])('at %s%% warns about exactly the windows that can never fire', (objective, expected) => {
    const model = buildSloModel([{ name: 'batch', slos: [{ name: 'error-rate', objective, sli: { kind: 'error-rate' } }] }]);
    expect(extremeTargetWarnings(model).map(formatProblem)).toEqual(expected);
  });

  test('a disabled page tier is not warned about', () => {
    const model = buildSloModel([{ name: 'batch', slos: [{ name: 'error-rate', objective: 90, page: false, sli: { kind: 'error-rate' } }] }]);
    expect(extremeTargetWarnings(model)).toEqual([]);
  });
});
