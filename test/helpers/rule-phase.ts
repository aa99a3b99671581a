/**
 * When Prometheus evaluates a rule group (test support for the end-to-end test; not shipped).
 *
 * Prometheus 3.5 evaluates each group at fixed wall-clock slots: `t ≡ offset (mod interval)` in Unix nanoseconds,
 * with `offset = hash(name, file) mod interval`, and the first evaluation at the first slot after the group starts
 * (rules/group.go: `EvalTimestamp`, `hash`, `run`). The hash is that of the label set `{file=<file>, name=<name>}` —
 * for the default build (`stringlabels`), xxhash64 of the labels' encoding: per label, sorted by name, a one-byte
 * length (< 255) and the bytes of the name, then of the value (model/labels/labels_stringlabels.go). So the phase of a
 * group follows from its name and the path of its rule file, and a test can choose the rule file's directory to put a
 * slow group's first evaluation where it needs it instead of waiting up to a whole interval. The end-to-end test
 * checks every prediction against the `lastEvaluation` Prometheus reports.
 */

const MASK = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
const add = (a: bigint, b: bigint): bigint => (a + b) & MASK;
const round = (acc: bigint, input: bigint): bigint => mul(rotl(add(acc, mul(input, P2)), 31n), P1);
const merge = (acc: bigint, v: bigint): bigint => add(mul(acc ^ round(0n, v), P1), P4);

function u64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]);
  return v;
}

function u32(b: Uint8Array, i: number): bigint {
  return BigInt(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + (BigInt(b[i + 3]) << 24n);
}

/** xxHash64 with seed 0 (the algorithm of github.com/cespare/xxhash/v2, which Prometheus uses). */
export function xxhash64(data: Uint8Array): bigint {
  const n = data.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = add(P1, P2);
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & MASK;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(data, i));
      v2 = round(v2, u64(data, i + 8));
      v3 = round(v3, u64(data, i + 16));
      v4 = round(v4, u64(data, i + 24));
    }
    h = add(add(rotl(v1, 1n), rotl(v2, 7n)), add(rotl(v3, 12n), rotl(v4, 18n)));
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = P5;
  }
  h = add(h, BigInt(n));
  for (; i + 8 <= n; i += 8) h = add(mul(rotl(h ^ round(0n, u64(data, i)), 27n), P1), P4);
  if (i + 4 <= n) {
    h = add(mul(rotl(h ^ mul(u32(data, i), P1), 23n), P2), P3);
    i += 4;
  }
  for (; i < n; i++) h = mul(rotl(h ^ mul(BigInt(data[i]), P5), 11n), P1);
  h ^= h >> 33n;
  h = mul(h, P2);
  h ^= h >> 29n;
  h = mul(h, P3);
  h ^= h >> 32n;
  return h;
}

/** Prometheus' hash of a rule group: its label set `{file, name}` in the `stringlabels` encoding. */
export function ruleGroupHash(name: string, file: string): bigint {
  const parts: number[] = [];
  for (const [k, v] of [
    ['file', file],
    ['name', name],
  ]) {
    for (const s of [k, v]) {
      const bytes = Buffer.from(s, 'utf8');
      if (bytes.length >= 255) throw new Error(`rule-phase: "${s.slice(0, 40)}…" is too long for the one-byte length this helper encodes`);
      parts.push(bytes.length, ...bytes);
    }
  }
  return xxhash64(Uint8Array.from(parts));
}

/** The group's evaluation phase: its slots are at Unix time ≡ offset (mod interval), both in milliseconds. */
export function ruleGroupOffsetMs(name: string, file: string, intervalMs: number): number {
  const ns = ruleGroupHash(name, file) % (BigInt(intervalMs) * 1_000_000n);
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

/** The first evaluation slot of a group strictly after `afterMs` (Unix milliseconds). */
export function nextEvaluationMs(name: string, file: string, intervalMs: number, afterMs: number): number {
  const offset = ruleGroupOffsetMs(name, file, intervalMs);
  const k = Math.floor((afterMs - offset) / intervalMs) + 1;
  return k * intervalMs + offset;
}
