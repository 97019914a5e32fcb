/**
 * rankPortfolio: the seed rank score and the risk adjustment on hand-computed cases, the
 * ordering (best first, ties by symbol), sizes relative to the best, ranges and no NaN
 * for any valid universe (property), and typed errors including duplicate symbols.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { DuplicateSymbolError, InvalidParameterError, InvalidValueError } from "../../src/errors.js";
import { rankPortfolio, type PortfolioEntry } from "../../src/strategy/portfolio.js";
import { expectClose } from "../support/close.js";

const RUNS = { numRuns: 500 };
const unit = fc.oneof(fc.constantFrom(-1, 0, 1), fc.double({ min: -1, max: 1, noNaN: true }));
const fraction = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));
const volatility = fc.option(fc.oneof(fc.constantFrom(0, 0.02, Number.MAX_VALUE), fc.double({ min: 0, max: 0.05, noNaN: true })), {
  nil: undefined,
});

describe("rankPortfolio", () => {
  test("hand-computed scores, order, priorities and sizes", () => {
    const ranked = rankPortfolio([
      // rank 0.4·0.5 + 0.4·0.8 + 0.2·0.5 = 0.2 + 0.32 + 0.1 = 0.62; vol 0.01 → ·(1 − 0.15) = 0.527
      { symbol: "ETHUSDT", directionalBias: -0.5, reliability: 0.8, momentum: 0.5, volatility: 0.01 },
      // rank 0.4·0.9 + 0.4·0.9 + 0.2·0.2 = 0.36 + 0.36 + 0.04 = 0.76; corr 0.5 → ·(1 − 0.1) = 0.684
      { symbol: "BTCUSDT", directionalBias: 0.9, reliability: 0.9, momentum: -0.2, correlation: 0.5 },
      // rank 0.4·0 + 0.4·0.5 + 0 = 0.2; no risk inputs → 0.2
      { symbol: "SOLUSDT", directionalBias: 0, reliability: 0.5, momentum: 0 },
    ]);
    expect(ranked.map((r) => [r.symbol, r.executionPriority, r.side])).toEqual([
      ["BTCUSDT", 1, "buy"],
      ["ETHUSDT", 2, "sell"],
      ["SOLUSDT", 3, "none"],
    ]);
    const [btc, eth, sol] = ranked;
    expectClose(btc!.rankScore, 0.76, 1e-15, 0, "BTC rank");
    expectClose(btc!.riskAdjustedScore, 0.684, 1e-15, 0, "0.76·0.9");
    expectClose(eth!.rankScore, 0.62, 1e-15, 0, "ETH rank");
    expectClose(eth!.riskAdjustedScore, 0.527, 1e-15, 0, "0.62·0.85");
    expectClose(sol!.riskAdjustedScore, 0.2, 1e-15, 0, "SOL unadjusted");
    // sizes relative to the best (0.684): 1, 0.527/0.684 = 0.77047, 0.2/0.684 = 0.29240
    expect(btc!.positionSizeMultiplier).toBe(1);
    expectClose(eth!.positionSizeMultiplier, 0.527 / 0.684, 1e-14, 0, "ETH size");
    expectClose(sol!.positionSizeMultiplier, 0.2924, 0, 1e-4, "SOL size ≈ 0.2924");
  });

  test("equal scores go in symbol order (code units, not locale); all-zero universe sizes 0", () => {
    const flat = (symbol: string): PortfolioEntry => ({ symbol, directionalBias: 0, reliability: 0, momentum: 0 });
    const ranked = rankPortfolio([flat("b"), flat("B"), flat("a"), flat("A")]);
    expect(
      ranked.map((r) => r.symbol),
      "'A' < 'B' < 'a' < 'b' by code unit",
    ).toEqual(["A", "B", "a", "b"]);
    expect(ranked.map((r) => r.executionPriority)).toEqual([1, 2, 3, 4]);
    expect(ranked.every((r) => r.positionSizeMultiplier === 0 && r.riskAdjustedScore === 0)).toBe(true);
    expect(rankPortfolio([]), "an empty universe").toEqual([]);
  });

  test("ranges, order and no NaN for any valid universe (property)", () => {
    const entry = fc.record({
      directionalBias: unit,
      reliability: fraction,
      momentum: unit,
      volatility,
      correlation: fc.option(unit, { nil: undefined }),
    });
    const universe = fc
      .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 })
      .chain((symbols) => fc.tuple(...symbols.map((symbol) => entry.map((e) => ({ ...e, symbol })))));
    fc.assert(
      fc.property(universe, (entries) => {
        const ranked = rankPortfolio(entries);
        expect(ranked.map((r) => r.executionPriority)).toEqual(entries.map((_, i) => i + 1));
        expect(new Set(ranked.map((r) => r.symbol)).size).toBe(entries.length);
        for (const [i, r] of ranked.entries()) {
          for (const key of ["rankScore", "riskAdjustedScore", "positionSizeMultiplier"] as const) {
            expect(r[key] >= 0 && r[key] <= 1, `${key} = ${r[key]} in [0, 1]`).toBe(true);
          }
          expect(r.riskAdjustedScore, "the adjustment only discounts, at most to 0.56×").toBeLessThanOrEqual(r.rankScore);
          expect(r.riskAdjustedScore).toBeGreaterThanOrEqual(0.56 * r.rankScore - 1e-15);
          if (i > 0) {
            const prev = ranked[i - 1]!;
            expect(
              prev.riskAdjustedScore > r.riskAdjustedScore || (prev.riskAdjustedScore === r.riskAdjustedScore && prev.symbol < r.symbol),
              `${prev.symbol} before ${r.symbol}`,
            ).toBe(true);
          }
        }
        expect(ranked[0]!.positionSizeMultiplier, "the best gets full size unless all are 0").toBe(
          ranked[0]!.riskAdjustedScore > 0 ? 1 : 0,
        );
      }),
      RUNS,
    );
  });

  test("duplicate symbols, bad symbols and bad values are typed errors", () => {
    const e = (symbol: string): PortfolioEntry => ({ symbol, directionalBias: 0.1, reliability: 0.5, momentum: 0 });
    expect(() => rankPortfolio([e("BTC"), e("ETH"), e("BTC")])).toThrow(DuplicateSymbolError);
    expect(() => rankPortfolio([e("BTC"), e("ETH"), e("BTC")])).toThrow(
      "symbol 'BTC' appears at entries 0 and 2: expected each symbol once",
    );
    expect(() => rankPortfolio([e("")])).toThrow(InvalidParameterError);
    expect(() => rankPortfolio([e("A"), { ...e("B"), reliability: 1.5 }])).toThrow("reliability[1] = 1.5: expected a number from 0 to 1");
    expect(() => rankPortfolio([{ ...e("A"), directionalBias: NaN }])).toThrow(InvalidValueError);
    expect(() => rankPortfolio([{ ...e("A"), momentum: -2 }])).toThrow(InvalidValueError);
    expect(() => rankPortfolio([{ ...e("A"), volatility: -0.01 }])).toThrow(InvalidValueError);
    expect(() => rankPortfolio([{ ...e("A"), correlation: Infinity }])).toThrow(InvalidValueError);
  });
});
