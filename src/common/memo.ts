/**
 * Computing once what is asked for many times: a module loaded on first use, a value derived per object (per SLO, per
 * window table) that every SLO of a large catalog would otherwise recompute. A computation that throws is not kept:
 * the next call throws again.
 */

/** `load()` on the first call, the same value on every later one. */
export function once<T>(load: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = load();
      done = true;
    }
    return value;
  };
}

/**
 * `compute(key, ...rest)` once per key object (held weakly). `rest` is passed to the first computation only, so it
 * must not change the result (e.g. the path its error messages name).
 */
export function memoByObject<K extends object, V, R extends unknown[] = []>(compute: (key: K, ...rest: R) => V): (key: K, ...rest: R) => V {
  const known = new WeakMap<K, V>();
  return (key, ...rest) => {
    if (known.has(key)) return known.get(key)!;
    const value = compute(key, ...rest);
    known.set(key, value);
    return value;
  };
}
