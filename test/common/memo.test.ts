import { memoByObject, once } from '../../src/common/memo';

describe('memo', () => {
  test('once computes on the first call only, and a throw is not kept', () => {
    let calls = 0;
    const fail = once(() => {
      calls++;
      throw new Error('no');
    });
    expect(fail).toThrow('no');
    expect(fail).toThrow('no');
    expect(calls).toBe(2);
    const value = once(() => ++calls);
    expect([value(), value()]).toEqual([3, 3]);
  });

  test('memoByObject computes once per key object; the extra arguments reach the first computation only', () => {
    const seen: string[] = [];
    const f = memoByObject((k: { n: number }, path: string) => {
      seen.push(path);
      return k.n * 2;
    });
    const a = { n: 1 };
    expect([f(a, 'first'), f(a, 'second'), f({ n: 1 }, 'other')]).toEqual([2, 2, 2]);
    expect(seen).toEqual(['first', 'other']);
  });
});
