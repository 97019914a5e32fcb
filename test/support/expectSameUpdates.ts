/**
 * Equality of large result sets (score updates, per-symbol maps of them, their JSON
 * text) that fails with the first difference — its index, the JSON path of the first
 * differing field and both values — instead of printing megabytes of diff.
 *
 * Values are compared as toEqual does (key order aside, undefined properties dropped,
 * toJSON applied) but numbers with Object.is, so −0 ≠ 0 and NaN = NaN. When either side
 * is JSON text, both are compared as JSON text: key order counts too.
 */
import { assert } from "vitest";

interface Difference {
  readonly path: string;
  readonly actual: unknown;
  readonly expected: unknown;
}

const MISSING = Symbol("missing");

function plain(v: unknown): unknown {
  const withJson = v as { toJSON?: () => unknown } | null;
  return typeof withJson?.toJSON === "function" ? withJson.toJSON() : v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function definedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined && typeof o[k] !== "function");
}

/** The first difference between `a` and `b` below `path` (with `keyOrder`, keys in another order are one), or null. */
function firstDifference(a: unknown, b: unknown, keyOrder: boolean, path = "$"): Difference | null {
  a = plain(a);
  b = plain(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifference(a[i], b[i], keyOrder, `${path}[${i}]`);
      if (d) return d;
    }
    if (a.length === b.length) return null;
    return { path: `${path}[${n}]`, actual: n < a.length ? a[n] : MISSING, expected: n < b.length ? b[n] : MISSING };
  }
  if (isObject(a) && isObject(b)) {
    const ka = definedKeys(a),
      kb = definedKeys(b);
    const [sa, sb] = keyOrder ? [ka, kb] : [[...ka].sort(), [...kb].sort()];
    if (sa.length !== sb.length || sa.some((k, i) => k !== sb[i])) return { path: `${path} (keys)`, actual: ka, expected: kb };
    for (const k of kb) {
      const d = firstDifference(a[k], b[k], keyOrder, `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  if ((typeof a === "object" && a !== null) || (typeof b === "object" && b !== null)) return { path, actual: a, expected: b };
  return Object.is(a, b) ? null : { path, actual: a, expected: b };
}

function show(v: unknown): string {
  if (v === MISSING) return "(missing)";
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

/** A one-paragraph description of how `actual` differs from `expected`, or null when equal. */
export function describeDifference(actual: unknown, expected: unknown): string | null {
  if (typeof actual === "string" || typeof expected === "string") {
    const a = typeof actual === "string" ? actual : JSON.stringify(actual);
    const b = typeof expected === "string" ? expected : JSON.stringify(expected);
    if (a === b) return null;
    return differenceOf(JSON.parse(a), JSON.parse(b), true) ?? "the JSON texts differ only in formatting (whitespace, number spelling)";
  }
  return differenceOf(actual, expected, false);
}

function differenceOf(actual: unknown, expected: unknown, keyOrder: boolean): string | null {
  const d = firstDifference(actual, expected, keyOrder);
  if (d === null) return null;
  let summary = "";
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const n = Math.min(actual.length, expected.length);
    let differing = 0;
    for (let i = 0; i < n; i++) if (firstDifference(actual[i], expected[i], keyOrder) !== null) differing++;
    summary =
      actual.length === expected.length
        ? `${differing} of ${n} items differ; `
        : `${actual.length} items, expected ${expected.length} (${differing} of the first ${n} differ); `;
  }
  return `${summary}first difference at ${d.path}: ${show(d.actual)} (actual) vs ${show(d.expected)} (expected)`;
}

/**
 * Asserts that two sets of score updates (arrays, maps of arrays, or their JSON text) are
 * identical; on failure the message names the first differing item and field, e.g.
 * `page vs Node: 693 of 4537 items differ; first difference at $[12].score: 32.74751135733714 (actual) vs 32.74751135733713 (expected)`.
 */
export function expectSameUpdates(actual: unknown, expected: unknown, label: string): void {
  const difference = describeDifference(actual, expected);
  if (difference !== null) assert.fail(`${label}: ${difference}`);
}
