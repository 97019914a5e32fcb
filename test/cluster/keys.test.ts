/** Key names of the Streams protocol: hash tags per symbol, and which symbols can be one. */
import { expect, test } from "vitest";
import { inputKey, MAX_SYMBOL_LENGTH, outputKey, symbolKeys, taggableSymbol } from "../../src/cluster/keys.js";
import { scoreKey } from "../../src/cache/cacheKey.js";

test("every key of a symbol carries it as one hash tag; the latest score is the cache's score key under cf:", () => {
  const k = symbolKeys("BTCUSDT", "g");
  expect(k).toEqual({
    input: "cf:in:{BTCUSDT}",
    output: "cf:out:{BTCUSDT}",
    done: "cf:done:{BTCUSDT}",
    dead: "cf:dead:{BTCUSDT}",
    score: "cf:score:{BTCUSDT}",
    lease: "cf:lease:{BTCUSDT}:g",
    checkpoint: "cf:ckpt:{BTCUSDT}:g",
    checkpoints: "cf:ckpts:{BTCUSDT}",
  });
  expect(k.score).toBe(`cf:${scoreKey("BTCUSDT")}`);
  expect([inputKey("ETH/USDT:USDT"), outputKey("ETH/USDT:USDT")]).toEqual(["cf:in:{ETH/USDT:USDT}", "cf:out:{ETH/USDT:USDT}"]);
});

test("a symbol is taggable unless empty, holding a brace, holding a lone surrogate (two of which would be one UTF-8 key), or too long", () => {
  expect(["BTCUSDT", "BTC/USDT:USDT", "ÄPFEL", "🚀COIN", "X".repeat(MAX_SYMBOL_LENGTH)].map(taggableSymbol)).toEqual([
    true,
    true,
    true,
    true,
    true,
  ]);
  expect(["", "A{B", "A}B", "BTC\uD800", "\uDFFFX", "X".repeat(MAX_SYMBOL_LENGTH + 1)].map(taggableSymbol)).toEqual([
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
});
