import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { CaptureParser, type CaptureParserOptions } from "../../src/feeds/capture.js";
import { jsKernels, loadKernels } from "../../src/kernels/index.js";
import type { Kernels } from "../../src/kernels/types.js";
import type { DepthDiffEvent, MarketEvent, TradeEvent } from "../../src/feeds/events.js";
import { InvalidParameterError } from "../../src/errors.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { captureBytes, firstDifference, parse, utf8 } from "./support.js";

const NS = "1723161254087891268";
const tradeLine = (p = "61837.63000000", q = "0.02000000", ns = NS): string =>
  `${ns} {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"${p}","q":"${q}","T":1723161255342,"m":true,"M":true}}`;
const DEPTH_LINE = `1723161253937085768 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"]],"a":[["61837.64000000","1.54698000"],["61839.85000000","0.00000000"]]}}`;
const QUOTE_LINE = `1723161254087891268 {"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}`;
const SNAPSHOT_LINE = `1723161254206652067 {"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"]],"asks":[["61837.64000000","1.54698000"]]}`;
const FUTURES_DEPTH_LINE = `1723161254300000000 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"T":1723161255205,"s":"BTCUSDT","U":4300000010,"u":4300000020,"pu":4300000009,"b":[["61740.1","2.000"]],"a":[]}}`;
const AGG_TRADE_LINE = `1723161254400000000 {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":false}}`;
const FUTURES_QUOTE_LINE = `1723161254500000000 {"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}`;

/** A short capture with every kind, a blank line, a CRLF line, a non-ASCII line and a last line without a newline. */
const SAMPLE = [
  DEPTH_LINE,
  QUOTE_LINE,
  "",
  tradeLine(),
  `${SNAPSHOT_LINE}\r`,
  FUTURES_DEPTH_LINE,
  AGG_TRADE_LINE,
  `1723161254600000000 {"stream":"btcusdt@trade€","data":{"e":"trade","E":1,"s":"BTC€USDT","t":1,"p":"1.5","q":"2","T":2,"m":false}}`,
  "not a capture line",
  FUTURES_QUOTE_LINE,
].join("\n");

describe("CaptureParser: the fast path and the JSON.parse path agree", () => {
  for (const [name, path] of [
    ["BTCUSDT", BTCUSDT],
    ["ETHUSDT", ETHUSDT],
    ["COIN-M ETHUSD_PERP", COINM_ETHUSD],
  ] as const) {
    test(`on every line of the real ${name} capture`, () => {
      const bytes = captureBytes(path);
      const fast = parse([bytes]);
      const slow = parse([bytes], { fastPath: false });
      expect(slow.stats.fastDecoded, "the reference run never takes the fast path").toBe(0);
      expect(fast.stats.rejected, JSON.stringify(fast.stats.rejections)).toBe(0);
      expect(fast.stats.events).toBe(fast.stats.lines);
      expect(fast.stats.fastDecoded, "every line but the REST snapshot is decoded from bytes").toBe(fast.stats.lines - 1);
      expect({ ...fast.stats, fastDecoded: 0 }).toEqual(slow.stats);
      expect(firstDifference(fast.events, slow.events)).toBeNull();
    });
  }

  test("a diff's levels are views of a shared slab: kept events stay intact across slabs, and a diff larger than a slab decodes whole", () => {
    // 3 × 1,000 diffs of 12 levels fill several 64 Ki-value slabs; one of 40,000 bid levels (80,000 values) needs a slab of its own
    const diff = (k: number, bids: number): string => {
      const levels = Array.from({ length: bids }, (_, j) => `["${(1000 + k + j / 100).toFixed(2)}","${(j + 1) / 1000}"]`).join(",");
      return `${NS} {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":${1 + k},"s":"BTCUSDT","U":${10 * k + 1},"u":${10 * k + 10},"b":[${levels}],"a":[["2000.00","${k + 1}"]]}}`;
    };
    const lines = Array.from({ length: 3000 }, (_, k) => diff(k, k === 1500 ? 40_000 : 6));
    const bytes = utf8(lines.join("\n"));
    const fast = parse([bytes]),
      slow = parse([bytes], { fastPath: false });
    expect(fast.stats.fastDecoded, "every diff on the fast path").toBe(3000);
    expect(firstDifference(fast.events, slow.events), "every kept event equal to JSON.parse's at the end").toBeNull();
    const big = fast.events[1500] as DepthDiffEvent;
    expect(big.bids.length).toBe(80_000);
    const [a, b] = fast.events as DepthDiffEvent[];
    expect(b!.bids.buffer, "consecutive diffs share one buffer (no backing store of their own)").toBe(a!.bids.buffer);
    expect(b!.bids.byteOffset, "each in its own region").toBeGreaterThanOrEqual(a!.asks.byteOffset + a!.asks.byteLength);
  });

  test("the BTCUSDT capture gives the published reference values (data/README.md)", () => {
    const { events } = parse([captureBytes(BTCUSDT)]);
    const trades = events.filter((e): e is TradeEvent => e.type === "trade");
    const buy = trades.filter((t) => t.buyerInitiated).reduce((s, t) => s + t.qty, 0);
    const sell = trades.filter((t) => !t.buyerInitiated).reduce((s, t) => s + t.qty, 0);
    expect(trades.length).toBe(9757);
    expect(buy).toBeCloseTo(96.65118, 9);
    expect(sell).toBeCloseTo(115.38197, 9);
    const snapshot = events.find((e) => e.type === "snapshot")!;
    expect(snapshot, "the snapshot takes the symbol of the depth diffs before it").toMatchObject({
      symbol: "BTCUSDT",
      lastUpdateId: 50093239218,
    });
    expect(snapshot.type === "snapshot" && snapshot.bids.length).toBe(2000);
  });

  test("random decimal strings parse exactly like Number(), small and huge mantissas alike", () => {
    const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
    const decimal = fc
      .oneof(
        fc.tuple(digits(1, 9), fc.option(digits(1, 9))),
        fc.tuple(digits(1, 30), fc.option(digits(1, 30))),
        fc.tuple(fc.constantFrom("0", "1", "61837", "9007199254740991", "9007199254740992", "9007199254740993"), fc.option(digits(1, 25))),
      )
      .map(([int, frac]) => (frac === null ? int : `${int}.${frac}`));
    fc.assert(
      fc.property(decimal, decimal, (p, q) => {
        const { events, stats } = parse([utf8(tradeLine(p, q))]);
        if (!(Number(p) > 0)) return stats.rejected === 1 && stats.rejections[0]!.reason === "non-positive-price";
        const t = events[0] as TradeEvent;
        return stats.fastDecoded === 1 && Object.is(t.price, Number(p)) && Object.is(t.qty, Number(q));
      }),
      { numRuns: 3000 },
    );
  });

  test("randomly damaged lines: both paths give the same events and the same rejection reasons", () => {
    const lines = [tradeLine(), DEPTH_LINE, QUOTE_LINE, FUTURES_DEPTH_LINE, AGG_TRADE_LINE, FUTURES_QUOTE_LINE];
    const alphabet = [..."0123456789.-\"'{}[],:eE tfnul\\pqsbBaAmTU ", "\u00e9", "\u20ac", "\t"];
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom("delete", "replace", "insert"),
      char: fc.constantFrom(...alphabet),
    });
    fc.assert(
      fc.property(fc.constantFrom(...lines), fc.array(edit, { minLength: 1, maxLength: 3 }), (line, edits) => {
        let s = line;
        for (const e of edits) {
          const at = e.at % (s.length + 1);
          s =
            e.kind === "delete"
              ? s.slice(0, at) + s.slice(at + 1)
              : e.kind === "replace"
                ? s.slice(0, at) + e.char + s.slice(at + 1)
                : s.slice(0, at) + e.char + s.slice(at);
        }
        const input = [utf8(`${DEPTH_LINE}\n${s}\n`)];
        const fast = parse(input),
          slow = parse(input, { fastPath: false });
        expect(firstDifference(fast.events, slow.events), s).toBeNull();
        expect(
          fast.stats.rejections.map((r) => r.reason),
          s,
        ).toEqual(slow.stats.rejections.map((r) => r.reason));
      }),
      { numRuns: 4000 },
    );
  });
});

describe("CaptureParser: chunks and lines", () => {
  const bytes = utf8(SAMPLE);
  const whole = parse([bytes]);

  test("the sample: every kind decoded, the blank line skipped, the bad line rejected", () => {
    expect(whole.events.map((e) => e.type)).toEqual(["depth", "quote", "trade", "snapshot", "depth", "trade", "trade", "quote"]);
    expect(whole.stats, "all but the snapshot and the non-ASCII line from bytes").toMatchObject({
      lines: 10,
      events: 8,
      rejected: 1,
      fastDecoded: 6,
    });
    expect(whole.stats.rejections).toEqual([
      { file: "test", line: 9, reason: "bad-timestamp", message: expect.stringMatching(/receive time/) },
    ]);
    expect(whole.events[6]).toMatchObject({ symbol: "BTC€USDT", price: 1.5, buyerInitiated: true });
    expect(whole.events[4]).toMatchObject({ type: "depth", prevUpdateId: 4300000009, firstUpdateId: 4300000010 });
    expect(whole.events[7]).toMatchObject({ type: "quote", symbol: "BNBUSDT", exchangeTime: 1568014460893 });
  });

  test("split at every offset (also inside the multi-byte €): the same events and counters", () => {
    for (let at = 0; at <= bytes.length; at++) {
      const split = parse([bytes.subarray(0, at), bytes.subarray(at)]);
      expect(firstDifference(split.events, whole.events), `split at ${at}`).toBeNull();
      expect(split.stats, `split at ${at}`).toEqual(whole.stats);
    }
  });

  test("one byte at a time, and three-way splits: the same events and counters", () => {
    const single = parse(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
    expect(firstDifference(single.events, whole.events)).toBeNull();
    expect(single.stats).toEqual(whole.stats);
    fc.assert(
      fc.property(fc.nat(bytes.length), fc.nat(bytes.length), (x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        const split = parse([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]);
        return firstDifference(split.events, whole.events) === null && split.stats.lines === whole.stats.lines;
      }),
      { numRuns: 300 },
    );
  });

  test("Node Buffers and plain Uint8Arrays give the same events", () => {
    const viaBuffer = parse([Buffer.from(bytes.subarray(0, 700)), bytes.subarray(700)]);
    expect(firstDifference(viaBuffer.events, whole.events)).toBeNull();
  });

  test("receiveTime is ns / 1e6 in ms, keeping the sub-ms digits", () => {
    const { events } = parse([utf8(tradeLine())]);
    expect(events[0]!.receiveTime).toBe(1723161254087 + 891268 / 1e6);
    expect(Math.abs(events[0]!.receiveTime - Number(NS) / 1e6)).toBeLessThan(1e-3);
    expect(parse([utf8(tradeLine("1", "1", "42"))]).events[0]!.receiveTime).toBe(42e-6);
  });
});

describe("CaptureParser: malformed lines", () => {
  const lines = [
    /* 1 */ DEPTH_LINE,
    /* 2 */ `abc {"u":1}`,
    /* 3 */ `${NS}`,
    /* 4 */ `${NS} {"stream":"x@trade","data":`,
    /* 5 */ `${NS} {"result":null,"id":1}`,
    /* 6 */ tradeLine("61837.63", "-0.5"),
    /* 7 */ tradeLine("0", "1"),
    /* 8 */ QUOTE_LINE.replace(`"s":"BTCUSDT"`, `"s":""`),
    /* 9 */ tradeLine().replace(`"t":3735683259,`, ""),
    /* 10 */ tradeLine().replace(`"T":1723161255342`, `"T":1e999`),
    /* 11 */ "",
    /* 12 */ QUOTE_LINE,
    /* 13 */ `${"1".repeat(20)} {"u":1}`,
  ];
  const expected = [
    [2, "bad-timestamp"],
    [3, "bad-timestamp"],
    [4, "not-json"],
    [5, "unknown-kind"],
    [6, "negative-qty"],
    [7, "non-positive-price"],
    [8, "empty-symbol"],
    [9, "missing-field"],
    [10, "non-finite"],
    [13, "bad-timestamp"],
  ];

  test("each is counted with its line number and reason, and parsing goes on", () => {
    const { events, stats } = parse([utf8(lines.join("\n"))], { maxRejections: 100 }, "bad.jsonl");
    expect(events.map((e) => e.type)).toEqual(["depth", "quote"]);
    expect(stats).toMatchObject({ lines: 13, events: 2, rejected: expected.length });
    expect(stats.rejections.map((r) => [r.line, r.reason])).toEqual(expected);
    expect(stats.rejections.every((r) => r.file === "bad.jsonl" && r.message.length > 0)).toBe(true);
  });

  test("only the first maxRejections are kept (default 5); all are counted", () => {
    const input = [utf8(lines.join("\n"))];
    expect(parse(input).stats.rejections.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
    expect(parse(input, { maxRejections: 0 }).stats).toMatchObject({ rejected: expected.length, rejections: [] });
    expect(() => new CaptureParser(() => {}, { maxRejections: -1 })).toThrow(InvalidParameterError);
    expect(() => new CaptureParser(() => {}, { maxRejections: 1.5 })).toThrow(InvalidParameterError);
  });

  test("invalid UTF-8 is rejected as not-json", () => {
    const bad = utf8(`${NS} {"u":1,"s":"X"}`);
    bad[bad.length - 3] = 0xff;
    const { stats } = parse([bad]);
    expect(stats.rejections[0]).toMatchObject({ line: 1, reason: "not-json", message: expect.stringMatching(/UTF-8/) });
  });

  test("a snapshot before any depth diff is rejected: nothing names its symbol", () => {
    const { events, stats } = parse([utf8(`${SNAPSHOT_LINE}\n${DEPTH_LINE}\n${SNAPSHOT_LINE}\n`)]);
    expect(stats.rejections).toEqual([
      { file: "test", line: 1, reason: "unknown-snapshot-symbol", message: expect.stringMatching(/names no symbol/) },
    ]);
    expect(events.map((e) => `${e.type} ${e.symbol}`)).toEqual(["depth BTCUSDT", "snapshot BTCUSDT"]);
  });

  test("an exception thrown by onEvent stops the parse and is not counted as a rejection", () => {
    const p = new CaptureParser(() => {
      throw new RangeError("engine says no");
    });
    expect(() => p.push(utf8(`${DEPTH_LINE}\n`))).toThrow(RangeError);
    expect(p.rejected).toBe(0);
  });
});

describe("CaptureParser: several files are one stream", () => {
  test("line numbers restart per file; the snapshot takes the symbol of a depth diff in an earlier file", () => {
    const events: MarketEvent[] = [];
    const p = new CaptureParser((e) => events.push(e));
    p.startFile("part1");
    p.push(utf8(`${DEPTH_LINE.replace(/BTCUSDT/g, "ETHUSDT")}\nbad line`)); // no newline at the end of the file
    p.startFile("part2");
    p.push(utf8(`junk\n${SNAPSHOT_LINE}\n`));
    p.end();
    expect(events.map((e) => `${e.type} ${e.symbol}`)).toEqual(["depth ETHUSDT", "snapshot ETHUSDT"]);
    expect(p.stats()).toMatchObject({ lines: 4, events: 2, rejected: 2 });
    expect(p.rejections.map((r) => `${r.file}:${r.line}`)).toEqual(["part1:2", "part2:1"]);
  });
});

describe("CaptureParser with a block decoder (decoders: kernels — the WASM decoder, or the JS column twin)", () => {
  const run = (k: Kernels, chunks: readonly Uint8Array[], options: CaptureParserOptions = {}) => parse(chunks, { ...options, decoders: k });

  test.each([
    ["BTCUSDT", BTCUSDT],
    ["ETHUSDT", ETHUSDT],
    ["USD-M ETHUSDT", USDM_ETHUSDT],
    ["COIN-M ETHUSD_PERP", COINM_ETHUSD],
  ])("%s: the same events and counters as FastDecoder line by line, chunked as a gunzip stream delivers it", async (_, path) => {
    const bytes = captureBytes(path);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536));
    const js = parse(chunks);
    for (const k of [await loadKernels(), await loadKernels({ forceScalar: true }), jsKernels()]) {
      const wasm = run(k, chunks);
      expect(firstDifference(wasm.events, js.events), k.backend).toBeNull();
      expect(wasm.stats, k.backend).toEqual(js.stats);
    }
  });

  test.each([
    ["WASM", () => loadKernels()],
    ["JS column twin", async () => jsKernels()],
  ])(
    "%s: the sample split at every offset, one byte at a time, and malformed lines: the same events, counters and line numbers",
    async (_, kernels) => {
      const k = await kernels();
      const bytes = utf8(SAMPLE);
      const whole = parse([bytes]);
      expect(run(k, [bytes]).stats.fastDecoded, "the fast path decodes the same lines").toBe(whole.stats.fastDecoded);
      for (let at = 0; at <= bytes.length; at++) {
        const split = run(k, [bytes.subarray(0, at), bytes.subarray(at)]);
        expect(firstDifference(split.events, whole.events), `split at ${at}`).toBeNull();
        expect(split.stats, `split at ${at}`).toEqual(whole.stats);
      }
      const single = run(
        k,
        Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)),
      );
      expect(single.stats).toEqual(whole.stats);
      const bad = utf8(
        [
          DEPTH_LINE,
          `abc {"u":1}`,
          "",
          tradeLine("61837.63", "-0.5"),
          `${NS} {"stream":"x@trade","data":`,
          QUOTE_LINE,
          `${"1".repeat(20)} {"u":1}`,
        ].join("\n"),
      );
      expect(run(k, [bad], { maxRejections: 100 }).stats).toEqual(parse([bad], { maxRejections: 100 }).stats);
    },
  );

  test("lines ending in CR CR LF (line ends converted twice): one CR stripped on every path, as the reference path does", async () => {
    // a line of CRs only, a bad line with one more CR, and a line exactly maxLineBytes long before its two CRs
    const long = tradeLine().replace(`"M":true`, `"M":true,"x":"${"y".repeat(200)}"`);
    const text = [QUOTE_LINE, "\r\r", "1 \r\r", `${long}\r\r`, `${QUOTE_LINE}\r\r`, QUOTE_LINE].join("\n");
    const bytes = utf8(text);
    const options = { maxRejections: 100, maxLineBytes: utf8(long).length };
    const reference = parse([bytes], { ...options, fastPath: false });
    expect(reference.stats.rejections.map((r) => [r.line, r.reason])).toEqual([
      [2, "bad-timestamp"],
      [3, "not-json"],
      [4, "line-too-long"],
    ]);
    for (const k of [await loadKernels(), await loadKernels({ forceScalar: true }), jsKernels()]) {
      const result = run(k, [bytes], options);
      expect(firstDifference(result.events, reference.events), k.backend).toBeNull();
      expect(result.stats.rejections, k.backend).toEqual(reference.stats.rejections);
      expect(result.stats.lines, k.backend).toBe(reference.stats.lines);
    }
  });

  test("a line over maxLineBytes is rejected as too long whichever decoder reads it", async () => {
    const k = await loadKernels();
    const long = tradeLine().replace(`"M":true`, `"M":true,"x":"${"y".repeat(200)}"`);
    const bytes = utf8([QUOTE_LINE, long, QUOTE_LINE].join("\n"));
    for (const result of [parse([bytes], { maxLineBytes: 200 }), run(k, [bytes], { maxLineBytes: 200 })]) {
      expect(result.stats.rejections.map((r) => [r.line, r.reason])).toEqual([[2, "line-too-long"]]);
      expect(result.events.map((e) => e.type)).toEqual(["quote", "quote"]);
    }
  });
});

test("the WASM decoder's batches survive an onEvent that grows the module's memory (the engine on the same kernels does)", async () => {
  const k = await loadKernels();
  const bytes = captureBytes(USDM_ETHUSDT);
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536));
  const reference = parse(chunks);
  const events: MarketEvent[] = [];
  const held: { free(): void }[] = [];
  const before = k.memoryBytes;
  const p = new CaptureParser(
    (e) => {
      events.push(e);
      // a megabyte of linear memory now and then: the memory grows under the decoder's batch
      if (events.length % 500 === 0) held.push(k.allocFloat64(1 << 17));
    },
    { decoders: k },
  );
  p.startFile("test");
  for (const c of chunks) p.push(c);
  p.end();
  p.dispose();
  expect(k.memoryBytes - before, "the memory did grow").toBeGreaterThan(64 << 20);
  expect(firstDifference(events, reference.events)).toBeNull();
  for (const h of held) h.free();
});
