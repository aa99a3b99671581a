import { formatProblem } from '../../src/common/errors';
import { resourceProblems } from '../../src/common/workload';

const messages = (r: Parameters<typeof resourceProblems>[0]) => resourceProblems(r, 'C.resources').map(formatProblem);

describe('resourceProblems', () => {
  test('accepts the usual shapes, and no resources at all (the component default applies)', () => {
    expect(messages(undefined)).toEqual([]);
    expect(messages({ cpuRequest: '100m', memoryRequest: '256Mi' })).toEqual([]);
    expect(messages({ cpuRequest: '0.5', memoryRequest: '1Gi', memoryLimit: '1536Mi', cpuLimit: '2' })).toEqual([]);
  });

  test('reports every bad quantity of the spec together, each with its field', () => {
    expect(messages({ cpuRequest: '0.5 cores', memoryRequest: '-1Gi', memoryLimit: '2 GB', cpuLimit: '0' })).toEqual([
      'C.resources.cpuRequest: is not a Kubernetes quantity (got "0.5 cores"). Fix: write a number with an optional suffix, e.g. "250m" for CPU or "512Mi" / "2Gi" for memory and storage.',
      'C.resources.cpuLimit: must be a positive CPU amount (got "0"). Fix: use e.g. "100m" or "1".',
      'C.resources.memoryRequest: must be a positive byte size (got "-1Gi"). Fix: use a binary suffix such as "512Mi" or "10Gi".',
      'C.resources.memoryLimit: is not a Kubernetes quantity (got "2 GB"). Fix: write a number with an optional suffix, e.g. "250m" for CPU or "512Mi" / "2Gi" for memory and storage.',
    ]);
  });

  test('a limit below its request, memory not in whole KiB, and a missing request', () => {
    expect(messages({ cpuRequest: '2', cpuLimit: '500m', memoryRequest: '1G', memoryLimit: '512Mi' })).toEqual([
      'C.resources.memoryRequest: must be a whole number of KiB (got "1G"). Fix: use e.g. "512Mi".',
      'C.resources.cpuLimit: must not be less than cpuRequest (2) (got "500m"). Fix: raise the limit, lower the request, or omit cpuLimit (no CPU limit).',
    ]);
    expect(messages({ cpuRequest: '100m' } as never)).toEqual(['C.resources.memoryRequest: is required (got undefined). Fix: set it, e.g. "256Mi".']);
  });
});
