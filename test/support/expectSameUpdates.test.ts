/**
 * expectSameUpdates: passes on equal update sets (as values or JSON text) and fails with
 * a short message naming the first differing item, the JSON path of the field and both
 * values — never a dump of the whole set.
 */
import { describe, expect, test } from "vitest";
import { describeDifference, expectSameUpdates } from "./expectSameUpdates.js";

function update(i: number, score = 50 + i / 7): object {
  return {
    symbol: "BTCUSDT",
    time: 1_723_161_260_000 + i,
    trigger: "book",
    score,
    confidence: 0.5,
    components: { orderbook: { score, confidence: 0.25 }, orderflow: { score: 50, confidence: 0 } },
    decision: null,
  };
}

const updates = (n: number): object[] => Array.from({ length: n }, (_, i) => update(i));

describe("expectSameUpdates", () => {
  test("equal sets pass: as values, as JSON text, and values against their JSON text", () => {
    expectSameUpdates(updates(500), updates(500), "values");
    expectSameUpdates(JSON.stringify(updates(500)), JSON.stringify(updates(500)), "text");
    expectSameUpdates(JSON.stringify(updates(500)), updates(500), "text vs values");
    expectSameUpdates({ A: updates(3), B: [] }, { A: updates(3), B: [] }, "maps of arrays");
    expectSameUpdates([{ x: NaN, y: undefined }], [{ x: NaN }], "NaN equals NaN; undefined properties vanish as in JSON");
  });

  test("a differing field: the index, the JSON path, both values and how many items differ", () => {
    const actual = updates(4537),
      expected = updates(4537);
    (actual[12] as { components: { orderbook: { score: number } } }).components.orderbook.score = 32.74751135733714;
    (expected[12] as { components: { orderbook: { score: number } } }).components.orderbook.score = 32.74751135733713;
    (actual[40] as { score: number }).score = 1;
    expect(() => expectSameUpdates(actual, expected, "page vs Node")).toThrow(
      "page vs Node: 2 of 4537 items differ; first difference at $[12].components.orderbook.score: 32.74751135733714 (actual) vs 32.74751135733713 (expected)",
    );
  });

  test("the same difference found in JSON text against values", () => {
    const text = JSON.stringify(updates(100)).replace('"score":50,"confidence":0}', '"score":50.5,"confidence":0}');
    expect(describeDifference(text, updates(100))).toBe(
      "1 of 100 items differ; first difference at $[0].components.orderflow.score: 50.5 (actual) vs 50 (expected)",
    );
  });

  test("a missing update, a missing key, key order, −0 and a map of arrays", () => {
    expect(describeDifference(updates(2), updates(3))).toBe(
      `2 items, expected 3 (0 of the first 2 differ); first difference at $[2]: (missing) (actual) vs ${JSON.stringify(update(2))} (expected)`,
    );
    expect(describeDifference([{ a: 1 }], [{ a: 1, b: 2 }])).toBe(
      '1 of 1 items differ; first difference at $[0] (keys): ["a"] (actual) vs ["a","b"] (expected)',
    );
    expect(describeDifference([{ b: 2, a: 1 }], [{ a: 1, b: 2 }]), "values: key order aside, as toEqual").toBeNull();
    expect(describeDifference(JSON.stringify([{ b: 2, a: 1 }]), [{ a: 1, b: 2 }]), "JSON text: key order counts").toContain(
      '$[0] (keys): ["b","a"] (actual) vs ["a","b"] (expected)',
    );
    expect(describeDifference([{ x: -0 }], [{ x: 0 }])).toBe(
      "1 of 1 items differ; first difference at $[0].x: -0 (actual) vs 0 (expected)",
    );
    expect(describeDifference({ A: updates(3) }, { A: [update(0), update(1), update(2, 99)] })).toBe(
      "first difference at $.A[2].score: 50.285714285714285 (actual) vs 99 (expected)",
    );
  });

  test("the message stays short however large the sets are", () => {
    const actual = updates(20_000),
      expected = updates(20_000).map((u) => ({ ...u, confidence: 0.75 }));
    const message = describeDifference(actual, expected)!;
    expect(message.length, message).toBeLessThan(200);
    expect(message).toMatch(
      /^20000 of 20000 items differ; first difference at \$\[0\]\.confidence: 0\.5 \(actual\) vs 0\.75 \(expected\)$/,
    );
  });
});
