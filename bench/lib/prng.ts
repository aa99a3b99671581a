/**
 * Seeded pseudo-random numbers for the synthetic data (deterministic: the same seed gives the same history).
 * mulberry32: a 32-bit state generator, plenty for benchmark noise (not for cryptography).
 */

/** A generator of floats in [0, 1). */
export type Random = () => number;

/** mulberry32 seeded with a 32-bit integer. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit FNV-1a hash of a string: derives independent seeds from names (`seedOf('svc-01/GET/200')`). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A standard normal deviate (Box-Muller). */
export function normal(rand: Random): number {
  const u = 1 - rand(); // (0, 1]: log(u) is finite
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A Poisson-distributed count with mean `lambda`: Knuth's product method for small means (error counts of a few
 * per scrape), the rounded normal approximation above 30 (where it is accurate to well under 1%).
 */
export function poisson(rand: Random, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rand)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit && k < 1000) {
    k++;
    p *= rand();
  }
  return k;
}
