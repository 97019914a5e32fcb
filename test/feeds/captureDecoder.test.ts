import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { DisposedError, InvalidParameterError } from "../../src/errors.js";
import { ColumnDecoder } from "../../src/feeds/columnDecoder.js";
import type { EventBatch } from "../../src/feeds/eventBatch.js";
import type { DepthDiffEvent, MarketEvent } from "../../src/feeds/events.js";
import { LevelSlab } from "../../src/feeds/levelSlab.js";
import { MAX_SYMBOLS } from "../../src/feeds/symbolTable.js";
import { WasmCaptureDecoder, type CaptureDecoderOptions } from "../../src/kernels/wasm/feeds/captureDecoder.js";
import { loadWasm } from "../../src/wasm/module.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { captureBytes, difference, utf8 } from "./support.js";
import { FastDecoder } from "../../src/feeds/fastDecoder.js";
import { receiveTimeOf, timestampEnd } from "../../src/feeds/captureTimestamp.js";

const builds = [
  ["simd", await loadWasm()],
  ["scalar", await loadWasm({ forceScalar: true })],
] as const;

/** What a batch decoder made of each line: its event, or "declined". Keyed by 1-based line number. */
type Outcome = MarketEvent | "declined";

interface Decoded {
  readonly byLine: Map<number, Outcome>;
  readonly lines: number;
  readonly batches: number;
}

/** 1-based line number of each line start offset. */
function lineStarts(bytes: Uint8Array): number[] {
  const starts = [0];
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0,
    hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Runs a batch decoder over `bytes` and places every event and declined line on its line:
 * declined lines by their offsets, events on the non-blank lines left, in order (a batch
 * lists how many events come before each declined line, which must agree).
 */
function decodeLines(bytes: Uint8Array, decoder: { decode(b: Uint8Array, on: (batch: EventBatch) => void): void }): Decoded {
  const starts = lineStarts(bytes);
  const slab = new LevelSlab();
  const sequence: (MarketEvent | number)[] = [];
  let lines = 0,
    batches = 0;
  decoder.decode(bytes, (batch) => {
    batches++;
    lines += batch.lines;
    let k = 0;
    for (let j = 0; j < batch.declined; j++) {
      const before = batch.declinedLines[3 * j]!;
      while (k < before) sequence.push(batch.event(k++, slab));
      sequence.push(lineOf(starts, batch.declinedLines[3 * j + 1]!));
    }
    while (k < batch.count) sequence.push(batch.event(k++, slab));
  });
  const byLine = new Map<number, Outcome>();
  let s = 0;
  for (let line = 1; line <= starts.length; line++) {
    const from = starts[line - 1]!,
      to = line < starts.length ? starts[line]! - 1 : bytes.length;
    const blank = to === from || (to === from + 1 && bytes[from] === 13);
    if (blank) continue;
    const item = sequence[s++];
    if (item === undefined) break;
    byLine.set(line, typeof item === "number" ? "declined" : item);
    if (typeof item === "number") expect(item, "declined lines come in line order").toBe(line);
  }
  expect(s, "every event and declined line placed on a line").toBe(sequence.length);
  return { byLine, lines, batches };
}

/** The reference: per line, the event the JS fast path (FastDecoder, line by line, as the parser once ran it) decodes; a line it declines is absent. */
function jsFastPath(bytes: Uint8Array): Map<number, MarketEvent> {
  const out = new Map<number, MarketEvent>();
  const fast = new FastDecoder();
  let line = 0;
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(10, start);
    let end = nl < 0 ? bytes.length : nl;
    line++;
    if (end > start && bytes[end - 1] === 13) end--;
    const space = timestampEnd(bytes, start, end);
    const event = space < 0 ? null : fast.decode(bytes, space + 1, end, receiveTimeOf(bytes, start, space));
    if (event !== null) out.set(line, event);
    start = nl < 0 ? bytes.length : nl + 1;
  }
  return out;
}

/** The lines where `decoded` and the JS fast path differ; declines of inexact decimals are counted apart. */
function compare(decoded: Decoded, reference: Map<number, MarketEvent>): { mismatches: string[]; inexactLines: number[] } {
  const mismatches: string[] = [],
    inexactLines: number[] = [];
  for (const [line, outcome] of decoded.byLine) {
    const js = reference.get(line);
    if (outcome === "declined") {
      if (js !== undefined) inexactLines.push(line);
    } else if (js === undefined) mismatches.push(`line ${line}: decoded, but the JS fast path declines it`);
    else {
      const d = difference(outcome, js);
      if (d !== null) mismatches.push(`line ${line}: ${d}`);
    }
  }
  for (const line of reference.keys()) if (!decoded.byLine.has(line)) mismatches.push(`line ${line}: missing`);
  return { mismatches, inexactLines };
}

/** Whether the line has a decimal string the fast path cannot round exactly: ≥ 16 significant digits or > 22 fraction digits. */
function hasInexactDecimal(line: string): boolean {
  for (const m of line.matchAll(/"(\d+)(?:\.(\d+))?"/g)) {
    const digits = (m[1]! + (m[2] ?? "")).replace(/^0+/, "");
    if (digits.length >= 16 || (m[2]?.length ?? 0) > 22) return true;
  }
  return false;
}

describe("the WebAssembly capture decoder against the JS fast path", () => {
  // Lines the JS fast path declines: the REST snapshot (COIN-M's "ps" key, on every depth diff and
  // bookTicker, is skipped by both decoders).
  const captures = [
    ["spot BTCUSDT", BTCUSDT, 1],
    ["spot ETHUSDT", ETHUSDT, 1],
    ["USD-M ETHUSDT", USDM_ETHUSDT, 1],
    ["COIN-M ETHUSD_PERP", COINM_ETHUSD, 1],
  ] as const;
  for (const [name, path, jsDeclines] of captures) {
    test(`every line of the ${name} capture: the same events, declined exactly where FastDecoder returns null`, () => {
      const bytes = captureBytes(path);
      const reference = jsFastPath(bytes);
      const lines = lineStarts(bytes).length - (bytes[bytes.length - 1] === 10 ? 1 : 0);
      // small batches and input blocks: many runs, lines cut at block ends, all put back together
      const options: CaptureDecoderOptions = { capacity: 700, inputBytes: 1 << 17 };
      for (const [build, mod] of builds) {
        const decoder = new WasmCaptureDecoder(mod, options);
        const decoded = decodeLines(bytes, decoder);
        const { mismatches, inexactLines } = compare(decoded, reference);
        expect(mismatches.slice(0, 5), `${build}: ${mismatches.length} lines differ`).toEqual([]);
        expect(decoded.lines, `${build}: every line read once`).toBe(lines);
        expect(decoded.batches, `${build}: the capture needs several batches`).toBeGreaterThan(10);
        expect(decoder.inexact, `${build}: every line JS decodes and the decoder declines is an inexact decimal`).toBe(inexactLines.length);
        expect(inexactLines.length, `${build}: inexact decimals on real data (lines ${inexactLines.slice(0, 5)})`).toBeLessThanOrEqual(
          lines / 10_000,
        );
        expect(decoder.symbolDeclined).toBe(0);
        decoder.dispose();
      }
      const twin = decodeLines(bytes, new ColumnDecoder(700));
      const { mismatches, inexactLines } = compare(twin, reference);
      expect(mismatches.slice(0, 5), `the JS twin: ${mismatches.length} lines differ`).toEqual([]);
      expect(inexactLines, "the JS twin declines nothing FastDecoder decodes").toEqual([]);
      expect(lines - reference.size, "lines the JS fast path declines").toBe(jsDeclines);
    });
  }
});

/** One capture line decoded by each decoder: its outcome, and whether the WASM decoder counted an inexact decline. */
function oneLine(line: string): { js: Outcome; twin: Outcome; wasm: { build: string; outcome: Outcome; inexact: boolean }[] } {
  const bytes = utf8(line);
  const js = jsFastPath(bytes).get(1) ?? "declined";
  const twin = decodeLines(bytes, new ColumnDecoder(4)).byLine.get(1) ?? "declined";
  const wasm = builds.map(([build], i) => {
    const decoder = decoders[i]!;
    const before = decoder.inexact;
    const outcome = decodeLines(bytes, decoder).byLine.get(1) ?? "declined";
    return { build, outcome, inexact: decoder.inexact > before };
  });
  return { js, twin, wasm };
}
const decoders = builds.map(([, mod]) => new WasmCaptureDecoder(mod, { capacity: 4, inputBytes: 4096 }));

const NS = "1723161254087891268";
const SEEDS = [
  `${NS} {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}`,
  `${NS} {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"]],"a":[["61837.64000000","1.54698000"],["61839.85000000","0.00000000"]]}}`,
  `${NS} {"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}`,
  `${NS} {"stream":"ethusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161255208,"T":1723161255205,"s":"ETHUSDT","U":4300000010,"u":4300000020,"pu":4300000009,"b":[["2540.1","2.000"]],"a":[]}}`,
  `${NS} {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":false}}`,
  `${NS} {"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}`,
];

/**
 * A JSON-aware mutation: keys of the payload reordered, one duplicated, one escaped, a
 * number made huge (long mantissas, around 2^53 too), tiny (up to 30 fraction digits with
 * a short mantissa) or negative.
 */
interface Mutation {
  readonly seed: string;
  readonly op: string;
  readonly pick: number;
  readonly shuffle: readonly number[];
  readonly digits: string;
}
const structural: fc.Arbitrary<Mutation> = fc.record({
  seed: fc.constantFrom(...SEEDS),
  op: fc.constantFrom("reorder", "duplicate", "escape", "huge", "tiny", "negative", "whitespace", "unwrap"),
  pick: fc.nat(),
  shuffle: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  digits: fc.stringMatching(/^[0-9]{14,30}$/),
});

function mutate({ seed, op, pick, shuffle, digits }: Mutation): string {
  const space = seed.indexOf(" ");
  const message = JSON.parse(seed.slice(space + 1)) as Record<string, unknown>;
  const wrapped = "data" in message;
  const payload = (wrapped ? message.data : message) as Record<string, unknown>;
  const keys = Object.keys(payload);
  const key = keys[pick % keys.length]!;
  let json: string;
  const entries = (o: Record<string, unknown>): string[] => Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const object = (parts: string[]): string => `{${parts.join(",")}}`;
  let parts = entries(payload);
  if (op === "reorder")
    parts = parts
      .map((p, i) => [shuffle[i % 12]!, p] as const)
      .sort((x, y) => x[0] - y[0])
      .map(([, p]) => p);
  else if (op === "duplicate") parts.splice(pick % (parts.length + 1), 0, parts[(pick >> 3) % parts.length]!);
  else if (op === "escape") {
    const value = payload[key];
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const at = pick % Math.max(1, text.length);
    const escaped = `${text.slice(0, at)}\\u${text.charCodeAt(at).toString(16).padStart(4, "0")}${text.slice(at + 1)}`;
    parts = parts.map((p) => (p.startsWith(`"${key}":`) ? `"${key}":"${escaped}"` : p));
  } else if (op === "huge" || op === "tiny" || op === "negative") {
    const cut = pick % digits.length;
    const around53 = ["9007199254740991", "9007199254740992", "9007199254740993", "900719925474099"][pick % 4]!;
    const decimal = (x: string): string =>
      op === "negative"
        ? `-${x}`
        : op === "tiny"
          ? `0.${"0".repeat(12 + (pick % 18))}${digits.slice(0, 1 + (pick % 5))}`
          : pick % 3 === 0
            ? `${around53.slice(0, cut % 17)}.${around53.slice(cut % 17)}`
            : `${digits.slice(0, cut)}.${digits.slice(cut)}`;
    parts = parts.map((p) => {
      if (!p.startsWith(`"${key}":`)) return p;
      const v = payload[key];
      if (typeof v === "number") return `"${key}":${op === "negative" ? `-${v}` : digits}`;
      if (typeof v === "string" && /^[0-9.]+$/.test(v)) return `"${key}":"${decimal(v)}"`;
      if (Array.isArray(v) && v.length > 0) return `"${key}":${JSON.stringify(v.map((lv: string[]) => lv.map(decimal)))}`;
      return p;
    });
  } else if (op === "whitespace") {
    const at = pick % (parts.length + 1);
    parts.splice(at, 0, ` ${parts.splice(at, 1)[0] ?? ""}`);
  }
  json = object(parts);
  if (wrapped && op !== "unwrap") json = `{"stream":${JSON.stringify(message.stream)},"data":${json}}`;
  return `${seed.slice(0, space)} ${json}`;
}

/** A byte-level mutation: truncated, a byte changed, inserted or deleted. */
const edits = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom("truncate", "delete", "replace", "insert"),
    char: fc.constantFrom(...'0123456789.-+"{}[],:eE tfnulx\\pqsbBaAmTUu\t\r', "\u00e9", "\u0001"),
  }),
  { minLength: 1, maxLength: 3 },
);

function damage(line: string, list: readonly { at: number; kind: string; char: string }[]): string {
  let s = line;
  for (const e of list) {
    const at = e.at % (s.length + 1);
    if (e.kind === "truncate") s = s.slice(0, at);
    else if (e.kind === "delete") s = s.slice(0, at) + s.slice(at + 1);
    else if (e.kind === "replace") s = s.slice(0, at) + e.char + s.slice(at + 1);
    else s = s.slice(0, at) + e.char + s.slice(at);
  }
  return s;
}

/** The property: the WASM decoder never accepts a line JS declines, never gives another value, declines only inexact decimals beyond; the twin is exact. */
function agrees(line: string): void {
  const { js, twin, wasm } = oneLine(line);
  const show = (o: Outcome): string => (o === "declined" ? o : JSON.stringify(o));
  if (js === "declined") expect(twin, `the twin decodes a line JS declines: ${line}`).toBe("declined");
  else expect(twin === "declined" ? "declined" : difference(twin, js), `twin on ${line}: ${show(twin)} vs ${show(js)}`).toBeNull();
  for (const w of wasm) {
    if (w.outcome === "declined") {
      if (js !== "declined") {
        expect(w.inexact, `${w.build} declines a line JS decodes: ${line}`).toBe(true);
        expect(hasInexactDecimal(line), `${w.build}: an inexact decline without a long decimal: ${line}`).toBe(true);
      }
    } else {
      expect(js, `${w.build} decodes a line JS declines: ${line}`).not.toBe("declined");
      expect(difference(w.outcome, js as MarketEvent), `${w.build} on ${line}`).toBeNull();
    }
  }
}

describe("mutated lines: the WASM decoder accepts nothing JS rejects, and no other value", () => {
  test("the seed lines decode on every path", () => {
    for (const line of SEEDS) {
      const { js, twin, wasm } = oneLine(line);
      expect(js, line).not.toBe("declined");
      agrees(line);
      expect(twin).not.toBe("declined");
      for (const w of wasm) expect(w.outcome, `${w.build}: ${line}`).not.toBe("declined");
    }
  });

  test("keys reordered, duplicated, escaped; numbers huge, tiny or negative; whitespace; unwrapped", () => {
    fc.assert(
      fc.property(structural, (m) => agrees(mutate(m))),
      { numRuns: 3000 },
    );
  });

  test("truncated, bytes changed, inserted or deleted (on plain and on structurally mutated lines)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...SEEDS), structural.map(mutate)), edits, (line, list) => agrees(damage(line, list))),
      { numRuns: 4000 },
    );
  });
});

describe("numbers of every length", () => {
  // integer and fraction parts of 0–24 digits, leading zeros included, in every numeric field of a quote and a depth diff,
  // and ids of 1–17 digits
  const part = (max: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9]{0,${max}}$`));
  const number = fc.tuple(part(24), fc.option(part(24), { nil: undefined }));
  const id = fc.stringMatching(/^[1-9][0-9]{0,16}$/);
  const text = ([whole, fraction]: [string, string | undefined]): string => (fraction === undefined ? whole : `${whole}.${fraction}`);
  /** Whether the fast path can give `t` exactly: digits (mantissa below 2^53) with at most 22 fraction digits. */
  const exact = (t: string): boolean => {
    const [whole, fraction = ""] = t.split(".");
    return (
      whole!.length > 0 && (!t.includes(".") || fraction.length > 0) && fraction.length <= 22 && BigInt(`${whole}${fraction}`) < 2n ** 53n
    );
  };

  test("a quote's four decimals and its update id: the same values, and every exact one decoded on every build", () => {
    fc.assert(
      fc.property(fc.array(number, { minLength: 4, maxLength: 4 }), id, fc.boolean(), (values, u, wrapped) => {
        const [b, B, a, A] = values.map(text);
        const payload = `{"u":${u},"s":"BTCUSDT","b":"${b}","B":"${B}","a":"${a}","A":"${A}"}`;
        const line = `${NS} ${wrapped ? `{"stream":"btcusdt@bookTicker","data":${payload}}` : payload}`;
        agrees(line);
        const { js, wasm } = oneLine(line);
        if (js !== "declined" && [b, B, a, A].every((t) => exact(t!)) && u.length <= 15)
          for (const w of wasm) expect(w.outcome, `${w.build}: ${line}`).not.toBe("declined");
      }),
      { numRuns: 3000 },
    );
  });

  test("a depth diff's levels and update ids", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(number, number), { minLength: 0, maxLength: 6 }), id, id, (levels, first, last) => {
        const side = JSON.stringify(levels.map(([p, q]) => [text(p), text(q)]));
        agrees(`${NS} {"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":${first},"u":${last},"b":[],"a":${side}}`);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the WebAssembly capture decoder: batches and bounds", () => {
  const [, mod] = builds[0];

  test("asks before bids: the slab still holds bids, then asks", () => {
    const line = `${NS} {"e":"depthUpdate","E":1,"s":"X","U":2,"u":3,"a":[["2","1"],["3","0"]],"b":[["1","5"]]}`;
    const decoder = new WasmCaptureDecoder(mod);
    const event = decodeLines(utf8(line), decoder).byLine.get(1) as DepthDiffEvent;
    expect([...event.bids], "bids").toEqual([1, 5]);
    expect([...event.asks], "asks").toEqual([2, 1, 3, 0]);
    decoder.dispose();
  });

  test("a line longer than the input block is declined whole, with its offsets, and the lines after it decode", () => {
    const long = `${NS} {"e":"depthUpdate","E":1,"s":"X","U":2,"u":3,"b":[${Array.from({ length: 400 }, (_, i) => `["${i + 1}","1"]`).join(",")}],"a":[]}`;
    const bytes = utf8(`${SEEDS[0]}\n${long}\r\n${SEEDS[2]}\n`);
    const decoder = new WasmCaptureDecoder(mod, { inputBytes: 1024 });
    const decoded = decodeLines(bytes, decoder);
    expect([...decoded.byLine.keys()]).toEqual([1, 2, 3]);
    expect(decoded.byLine.get(2), "the long line goes to the reference path").toBe("declined");
    expect(decoded.byLine.get(1)).toMatchObject({ type: "trade" });
    expect(decoded.byLine.get(3)).toMatchObject({ type: "quote" });
    expect(decoded.lines).toBe(3);
    decoder.dispose();
  });

  test(`at most ${MAX_SYMBOLS} symbols are interned; the lines of later ones are declined and counted`, () => {
    const trade = (s: string): string => `${NS} {"e":"trade","E":1,"s":"${s}","t":1,"p":"1.5","q":"2","T":2,"m":false}`;
    const names = Array.from({ length: MAX_SYMBOLS + 3 }, (_, i) => `S${i}`);
    const bytes = utf8([...names.map(trade), trade("S7"), trade("X".repeat(33))].join("\n"));
    const decoder = new WasmCaptureDecoder(mod);
    const decoded = decodeLines(bytes, decoder);
    const symbols = [...decoded.byLine.values()].map((o) => (o === "declined" ? o : o.symbol));
    expect(symbols.slice(0, MAX_SYMBOLS)).toEqual(names.slice(0, MAX_SYMBOLS));
    expect(symbols.slice(MAX_SYMBOLS)).toEqual(["declined", "declined", "declined", "S7", "declined"]);
    expect(decoder.symbolDeclined, "three past the table, one too long").toBe(4);
    decoder.dispose();
  });

  test("bad sizes are refused with InvalidParameterError, before anything is allocated", () => {
    const memory = mod.buffer.byteLength;
    for (const capacity of [0, -1, 1.5, Number.NaN, 2 ** 20 + 1]) {
      expect(() => new WasmCaptureDecoder(mod, { capacity }), `capacity ${capacity}`).toThrow(InvalidParameterError);
      expect(() => new ColumnDecoder(capacity), `twin capacity ${capacity}`).toThrow(InvalidParameterError);
    }
    for (const inputBytes of [0, 63, 100.5, 2 ** 28 + 1, Number.POSITIVE_INFINITY])
      expect(() => new WasmCaptureDecoder(mod, { inputBytes }), `inputBytes ${inputBytes}`).toThrow(InvalidParameterError);
    expect(mod.buffer.byteLength).toBe(memory);
  });

  test("a disposed decoder refuses to run (the WASM decoder and its twin)", () => {
    for (const decoder of [new WasmCaptureDecoder(mod), new ColumnDecoder()]) {
      decoder.dispose();
      decoder.dispose();
      expect(() => decoder.decode(utf8(SEEDS[0]!), () => {})).toThrow(DisposedError);
    }
  });
});
