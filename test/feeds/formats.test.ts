import { afterAll, beforeAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync, gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { BookSync } from "../../src/book/bookSync.js";
import { CaptureFileError, MissingSymbolError, UnknownFormatError } from "../../src/errors.js";
import { CaptureParser, type CaptureStats } from "../../src/feeds/capture.js";
import type { MarketEvent, QuoteEvent, TradeEvent } from "../../src/feeds/events.js";
import { detectFormat } from "../../src/feeds/formats/detectFormat.js";
import type { InputFormat } from "../../src/feeds/formats/lineDecoder.js";
import { lineDecoderFor } from "../../src/feeds/formats/lineDecoderFor.js";
import { replayCaptureFiles, type ReplayOptions } from "../../src/node/captureReader.js";
import { STDIN_NAME } from "../../src/node/openInput.js";
import { firstDifference } from "./support.js";

const fixture = (name: string): string => new URL(`../fixtures/formats/${name}`, import.meta.url).pathname;
const SPOT = fixture("btcusdt-spot.capture.jsonl.gz");
const USDM = fixture("ethusdt-usdm.capture.jsonl.gz");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "confluence-formats-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(files: string[], options: ReplayOptions = {}): Promise<{ events: MarketEvent[]; stats: CaptureStats }> {
  const events: MarketEvent[] = [];
  const stats = await replayCaptureFiles(files, (e) => events.push(e), options);
  return { events, stats };
}

async function failure(files: string[], options: ReplayOptions = {}): Promise<Error> {
  const error = await replayCaptureFiles(files, () => {}, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "a typed error").toBeInstanceOf(Error);
  return error as Error;
}

const trades = (events: readonly MarketEvent[]): TradeEvent[] => events.filter((e): e is TradeEvent => e.type === "trade");
const quotes = (events: readonly MarketEvent[]): QuoteEvent[] => events.filter((e): e is QuoteEvent => e.type === "quote");
/** A µs receive time (ms) against the capture's ns one: the same to the µs it was truncated to. */
function sameMicro(got: number, want: number, what: string): void {
  expect(Math.abs(got - want), `${what}: ${got} vs ${want} (1 µs, plus the 0.24 µs a double resolves at 1.7e12 ms)`).toBeLessThan(0.0015);
}

let spot: MarketEvent[];
let usdm: MarketEvent[];
beforeAll(async () => {
  spot = (await read([SPOT])).events;
  usdm = (await read([USDM])).events;
});

/** Each sample, the format and clock it must be read as, and the capture it came from. */
const SAMPLES: [string, InputFormat, "receive" | "exchange"][] = [
  ["btcusdt-spot.capture.jsonl.gz", "capture", "receive"],
  ["btcusdt-spot.ws.jsonl.gz", "binance-ws", "exchange"],
  ["ethusdt-usdm.ws.jsonl.gz", "binance-ws", "exchange"],
  ["binance_trades_2024-08-08_BTCUSDT.csv", "tardis-trades", "receive"],
  ["binance_quotes_2024-08-08_BTCUSDT.csv.gz", "tardis-quotes", "receive"],
  ["binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz", "tardis-incremental-book-l2", "receive"],
  ["binance_book_snapshot_25_2024-08-08_BTCUSDT.csv.gz", "tardis-book-snapshot", "receive"],
  ["binance-futures_trades_2024-08-08_ETHUSDT.csv.gz", "tardis-trades", "receive"],
  ["binance-futures_quotes_2024-08-08_ETHUSDT.csv.gz", "tardis-quotes", "receive"],
  ["binance-futures_incremental_book_L2_2024-08-08_ETHUSDT.csv.gz", "tardis-incremental-book-l2", "receive"],
  ["BTCUSDT-trades-2024-08-08.csv", "binance-trades", "exchange"],
  ["BTCUSDT-aggTrades-2024-08-08.zip", "binance-agg-trades", "exchange"],
  ["ETHUSDT-trades-2024-08-08.zip", "binance-trades", "exchange"],
  ["ETHUSDT-aggTrades-2024-08-08.csv", "binance-agg-trades", "exchange"],
];

describe("detection: every sample is read by its reader, from a file or standard input, whatever it is named", () => {
  test.each(SAMPLES)("%s → %s", async (name, format, clock) => {
    const { stats } = await read([fixture(name)]);
    expect(stats.files[0], name).toMatchObject({ format, clock, rejected: 0 });
    expect(stats.events, name).toBeGreaterThan(0);
    // renamed, and through stdin: the content decides; a symbol-less format takes the given one
    const renamed = join(dir, "renamed.dat");
    writeFileSync(renamed, readFileSync(fixture(name)));
    const symbol = name.startsWith("BTCUSDT-") ? "BTCUSDT" : name.startsWith("ETHUSDT-") ? "ETHUSDT" : undefined;
    const options = symbol ? { symbol } : {};
    const asFile = await read([renamed], options);
    const piped = await read(["-"], { ...options, stdin: Readable.from([readFileSync(fixture(name))]) });
    const direct = await read([fixture(name)]);
    expect(asFile.stats.files[0]!.format, `${name} renamed`).toBe(format);
    expect(piped.stats.files[0]!.file).toBe(STDIN_NAME);
    expect(firstDifference(asFile.events, direct.events), `${name} renamed`).toBeNull();
    expect(firstDifference(piped.events, direct.events), `${name} from stdin`).toBeNull();
  });

  test("plain, gzip and zip of one file give the same events", async () => {
    const csv = readFileSync(fixture("binance_trades_2024-08-08_BTCUSDT.csv"));
    const gz = join(dir, "t.csv.gz"),
      zip = join(dir, "t.zip");
    writeFileSync(gz, gzipSync(csv));
    writeFileSync(zip, zipSync({ "anything.csv": new Uint8Array(csv) }));
    const plain = await read([fixture("binance_trades_2024-08-08_BTCUSDT.csv")]);
    for (const file of [gz, zip]) expect(firstDifference((await read([file])).events, plain.events), file).toBeNull();
  });

  test.each([
    ["a CSV of other columns", Buffer.from("time,price,qty\n1723161254087,61837.63,0.02\n")],
    ["random bytes", Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))],
    ["an empty file", Buffer.alloc(0)],
    ["only blank lines", Buffer.from("\n\r\n\n")],
    ["a README", readFileSync(new URL("../../README.md", import.meta.url))],
  ])("%s: UnknownFormatError naming the file and what it held", async (what, bytes) => {
    const file = join(dir, "unknown.csv");
    writeFileSync(file, bytes);
    for (const [files, options, name] of [
      [[file], {}, file],
      [["-"], { stdin: Readable.from(bytes.length ? [bytes] : []) }, STDIN_NAME],
    ] as const) {
      const error = await failure([...files], options);
      expect(error, what).toBeInstanceOf(UnknownFormatError);
      expect(error.name).toBe("UnknownFormatError");
      expect(error.message.startsWith(`${name}: `), error.message).toBe(true);
      expect(error.message).toMatch(/expected a format confluence reads/);
    }
  });

  test("a zip: corrupt or truncated is a CaptureFileError; a CSV of unknown columns inside is an UnknownFormatError", async () => {
    const good = readFileSync(fixture("BTCUSDT-aggTrades-2024-08-08.zip"));
    const truncated = join(dir, "truncated.zip"),
      corrupt = join(dir, "corrupt.zip"),
      other = join(dir, "other.zip");
    writeFileSync(truncated, good.subarray(0, good.length >> 1));
    const bad = Buffer.from(good);
    bad.fill(0x55, 60, 400);
    writeFileSync(corrupt, bad);
    writeFileSync(other, zipSync({ "x.csv": new TextEncoder().encode("a,b,c\n1,2,3\n") }));
    for (const file of [truncated, corrupt]) {
      const error = await failure([file]);
      expect(error, file).toBeInstanceOf(CaptureFileError);
      expect(error.message).toMatch(/unreadable zip/);
    }
    expect(await failure([other])).toBeInstanceOf(UnknownFormatError);
  });

  test("a Binance public trades CSV whose name has no symbol: MissingSymbolError, unless one is given", async () => {
    const file = join(dir, "trades.csv");
    writeFileSync(file, readFileSync(fixture("BTCUSDT-trades-2024-08-08.csv")));
    const error = await failure([file]);
    expect(error).toBeInstanceOf(MissingSymbolError);
    expect(error.message).toMatch(/trades\.csv: a Binance public trades CSV names no symbol/);
    expect(await failure(["-"], { stdin: Readable.from([readFileSync(file)]) })).toBeInstanceOf(MissingSymbolError);
    const { events } = await read([file], { symbol: "BTCUSDT" });
    expect(new Set(events.map((e) => e.symbol))).toEqual(new Set(["BTCUSDT"]));
  });
});

describe("each reader yields what the capture holds, for the information its format carries", () => {
  test("raw websocket lines: the capture's events, the exchange time standing in for the receive time", async () => {
    for (const [name, reference] of [
      ["btcusdt-spot.ws.jsonl.gz", () => spot],
      ["ethusdt-usdm.ws.jsonl.gz", () => usdm],
    ] as const) {
      const { events, stats } = await read([fixture(name)]);
      // the expected events: receive time = exchange time, or for time-less kinds the symbol's latest (none yet: rejected)
      const expected: MarketEvent[] = [];
      let latest = NaN,
        untimed = 0;
      for (const e of reference()) {
        if (e.exchangeTime === e.exchangeTime) {
          latest = latest === latest && latest > e.exchangeTime ? latest : e.exchangeTime;
          expected.push({ ...e, receiveTime: e.exchangeTime });
        } else if (latest === latest) expected.push({ ...e, receiveTime: latest });
        else untimed++;
      }
      expect(firstDifference(events, expected), name).toBeNull();
      expect(stats.files[0], name).toMatchObject({ rejected: untimed, clock: "exchange" });
      if (untimed > 0) expect(stats.rejections[0]!.message, name).toMatch(/bookTicker|quote/);
      if (name.includes("usdm")) expect(untimed, `${name}: every futures message has its exchange time`).toBe(0);
    }
  });

  test("raw websocket lines: a spot bookTicker (no exchange time) before any timed message of its symbol is rejected, after one it takes the latest", async () => {
    const ticker = (u: number, s = "BTCUSDT"): string => `{"u":${u},"s":"${s}","b":"61837.63","B":"1.5","a":"61837.64","A":"2.5"}`;
    const trade = (t: number, T: number): string =>
      `{"stream":"btcusdt@trade","data":{"e":"trade","E":${T + 1},"s":"BTCUSDT","t":${t},"p":"61837.63","q":"0.02","T":${T},"m":true,"M":true}}`;
    const file = join(dir, "raw.jsonl");
    writeFileSync(
      file,
      `${[ticker(1), trade(10, 1723161255342), ticker(2), trade(11, 1723161255300), ticker(3), ticker(4, "ETHUSDT")].join("\n")}\n`,
    );
    const { events, stats } = await read([file]);
    expect(events.map((e) => [e.type, e.receiveTime])).toEqual([
      ["trade", 1723161255342],
      ["quote", 1723161255342],
      ["trade", 1723161255300],
      ["quote", 1723161255342],
    ]);
    expect(stats.rejections.map((r) => [r.line, r.reason])).toEqual([
      [1, "bad-timestamp"],
      [6, "bad-timestamp"],
    ]);
    expect(stats.rejections[0]!.message).toMatch(/a quote of BTCUSDT with no exchange time before any timed message of BTCUSDT/);
  });

  test("tardis trades: the capture's trades, same ids, prices, quantities, sides and times (receive time to the µs)", async () => {
    for (const [name, reference] of [
      ["binance_trades_2024-08-08_BTCUSDT.csv", () => spot],
      ["binance-futures_trades_2024-08-08_ETHUSDT.csv.gz", () => usdm],
    ] as const) {
      const got = trades((await read([fixture(name)])).events);
      const want = trades(reference());
      expect(got.length, name).toBe(want.length);
      expect(
        got.map((t) => [t.symbol, t.tradeId, t.price, t.qty, t.buyerInitiated, t.exchangeTime]),
        name,
      ).toEqual(want.map((t) => [t.symbol, t.tradeId, t.price, t.qty, t.buyerInitiated, t.exchangeTime]));
      got.forEach((t, i) => {
        sameMicro(t.receiveTime, want[i]!.receiveTime, `${name} trade ${i}`);
      });
    }
  });

  test("tardis quotes: the capture's best quotes; the exchange time where the capture has one, else the local one", async () => {
    for (const [name, reference] of [
      ["binance_quotes_2024-08-08_BTCUSDT.csv.gz", () => spot],
      ["binance-futures_quotes_2024-08-08_ETHUSDT.csv.gz", () => usdm],
    ] as const) {
      const got = quotes((await read([fixture(name)])).events);
      const want = quotes(reference());
      expect(got.length, name).toBe(want.length);
      expect(
        got.map((q) => [q.bidPx, q.bidQty, q.askPx, q.askQty]),
        name,
      ).toEqual(want.map((q) => [q.bidPx, q.bidQty, q.askPx, q.askQty]));
      got.forEach((q, i) => {
        const w = want[i]!;
        sameMicro(q.receiveTime, w.receiveTime, `${name} quote ${i}`);
        expect(q.exchangeTime, `${name} quote ${i}`).toBe(w.exchangeTime === w.exchangeTime ? w.exchangeTime : q.receiveTime);
      });
    }
  });

  /** The top `n` levels of a synced book after each diff applied from the snapshot on, as [bids, asks]. */
  function booksAfterDiffs(events: readonly MarketEvent[], n: number): number[][][] {
    const sync = new BookSync();
    const out: number[][][] = [];
    const top = (side: "bids" | "asks"): number[] => sync.book[side].entries().slice(0, n).flat();
    for (const e of events) {
      if (e.type === "snapshot") {
        expect(sync.onSnapshot(e), "the snapshot is taken").toBe("applied");
      } else if (e.type === "depth") {
        const outcome = sync.onDiff(e);
        if (outcome === "applied") out.push([top("bids"), top("asks")]);
        else expect(["buffered", "stale"], `diff ${e.lastUpdateId}: ${outcome}`).toContain(outcome);
      }
    }
    expect(sync.counters.gaps, "no gap").toBe(0);
    return out;
  }

  test("tardis incremental_book_L2: synthesised ids the book sync accepts; the book equals the capture's after every diff (top 5, best bid/ask)", async () => {
    for (const [name, reference] of [
      ["binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz", () => spot],
      ["binance-futures_incremental_book_L2_2024-08-08_ETHUSDT.csv.gz", () => usdm],
    ] as const) {
      const { events } = await read([fixture(name)]);
      expect(events[0]!.type, `${name}: the is_snapshot rows are one snapshot`).toBe("snapshot");
      const got = booksAfterDiffs(events, 5);
      // the capture's diffs applied after its snapshot arrived (the ones bridged in the snapshot's buffer are in tardis's snapshot)
      const snapshotAt = reference().findIndex((e) => e.type === "snapshot");
      const want = booksAfterDiffs(reference(), 5).slice(-got.length);
      const arrivedAfter = reference()
        .slice(snapshotAt)
        .filter((e) => e.type === "depth").length;
      expect(got.length, `${name}: one diff per message after the snapshot`).toBe(arrivedAfter);
      expect(got, name).toEqual(want);
      expect(got.length).toBeGreaterThan(100);
    }
  });

  test("tardis book_snapshot_25: each row is the whole top 25 of the capture's book after that diff", async () => {
    const { events } = await read([fixture("binance_book_snapshot_25_2024-08-08_BTCUSDT.csv.gz")]);
    expect(events.every((e) => e.type === "snapshot")).toBe(true);
    const want = booksAfterDiffs(spot, 25);
    const snapshotAt = spot.findIndex((e) => e.type === "snapshot");
    const bridged = want.length - spot.slice(snapshotAt).filter((e) => e.type === "depth").length;
    const sync = new BookSync();
    events.forEach((e, i) => {
      expect(sync.onSnapshot(e as Parameters<BookSync["onSnapshot"]>[0]), `row ${i}`).toBe("applied");
      expect([sync.book.bids.entries().flat(), sync.book.asks.entries().flat()], `row ${i}`).toEqual(want[bridged + i]);
    });
  });

  test("Binance public trades (spot headerless, futures with header, zip or plain): the capture's trades, the trade time as the clock", async () => {
    for (const [name, reference] of [
      ["BTCUSDT-trades-2024-08-08.csv", () => spot],
      ["ETHUSDT-trades-2024-08-08.zip", () => usdm],
    ] as const) {
      const got = trades((await read([fixture(name)])).events);
      const want = trades(reference()).map((t) => ({ ...t, receiveTime: t.exchangeTime }));
      expect(firstDifference(got, want), name).toBeNull();
    }
  });

  test("Binance public trades with µs times (spot files since 2025) read as the same ms", async () => {
    const ms = readFileSync(fixture("BTCUSDT-trades-2024-08-08.csv"), "utf8");
    const us = ms.replace(/^((?:[^,]*,){4})([0-9]+),/gm, (_, head: string, t: string) => `${head}${t}000,`);
    expect(us).not.toBe(ms);
    const file = join(dir, "BTCUSDT-trades-2025-01-01.csv");
    writeFileSync(file, us);
    expect(firstDifference((await read([file])).events, (await read([fixture("BTCUSDT-trades-2024-08-08.csv")])).events)).toBeNull();
  });

  test("Binance public aggTrades: each aggregate is the capture's trades first..last, their quantities summed", async () => {
    for (const [name, reference] of [
      ["BTCUSDT-aggTrades-2024-08-08.zip", () => spot],
      ["ETHUSDT-aggTrades-2024-08-08.csv", () => usdm],
    ] as const) {
      const got = trades((await read([fixture(name)])).events);
      const want = trades(reference());
      const text = name.endsWith(".zip") ? null : readFileSync(fixture(name), "utf8");
      expect(got.length, name).toBeLessThanOrEqual(want.length);
      let k = 0;
      for (const agg of got) {
        let sum = 0,
          n = 0;
        for (
          ;
          k < want.length &&
          want[k]!.exchangeTime === agg.exchangeTime &&
          want[k]!.price === agg.price &&
          want[k]!.buyerInitiated === agg.buyerInitiated;
          k++, n++
        )
          sum += want[k]!.qty;
        expect(n, `${name}: aggregate ${agg.tradeId} covers trades`).toBeGreaterThan(0);
        expect(agg.qty, `${name}: aggregate ${agg.tradeId}`).toBeCloseTo(sum, 9);
      }
      expect(k, `${name}: every trade in an aggregate`).toBe(want.length);
      if (text) expect(text.startsWith("agg_trade_id,")).toBe(true);
    }
  });
});

describe("files recorded side by side, merged by receive time", () => {
  test("tardis trades and quotes merged: each file in its order, receive times never going back, ties to the file given first", async () => {
    const files = [fixture("binance_trades_2024-08-08_BTCUSDT.csv"), fixture("binance_quotes_2024-08-08_BTCUSDT.csv.gz")];
    const seen: number[] = [];
    const { events, stats } = await read(files, { merge: true, onProgress: (b) => seen.push(b) });
    // a merge is each file in its own order, receive times never going back, and at a tie the file given first
    const alone = await Promise.all(files.map(async (f) => (await read([f])).events));
    expect(firstDifference(trades(events), alone[0]!), "the trades file's order").toBeNull();
    expect(firstDifference(quotes(events), alone[1]!), "the quotes file's order").toBeNull();
    expect(
      events.every(
        (e, i) => i === 0 || e.receiveTime !== events[i - 1]!.receiveTime || !(e.type === "trade" && events[i - 1]!.type === "quote"),
      ),
      "at a tie the trade (the file given first) comes first",
    ).toBe(true);
    const want = spot.filter((e) => e.type === "trade" || e.type === "quote");
    expect(
      events.every((e, i) => i === 0 || e.receiveTime >= events[i - 1]!.receiveTime),
      "receive times never go back",
    ).toBe(true);
    expect(stats.files.map((f) => [f.file, f.format])).toEqual([
      [files[0], "tardis-trades"],
      [files[1], "tardis-quotes"],
    ]);
    expect(stats.events).toBe(want.length);
    expect(seen.at(-1), "progress counts the stored bytes of both files").toBe(files.reduce((n, f) => n + readFileSync(f).length, 0));
  });

  test("the book merged with the trades: the same books after each diff as the L2 file alone", async () => {
    const l2 = fixture("binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz");
    const merged = await read([l2, fixture("binance_trades_2024-08-08_BTCUSDT.csv")], { merge: true });
    const alone = await read([l2]);
    const book = (events: readonly MarketEvent[]): MarketEvent[] => events.filter((e) => e.type === "depth" || e.type === "snapshot");
    expect(firstDifference(book(merged.events), alone.events)).toBeNull();
    expect(trades(merged.events).length).toBe(trades(spot).length);
  });

  test("a file in the merge with no valid line: EmptyCaptureError naming it; one in no format: UnknownFormatError", async () => {
    const bad = join(dir, "bad-trades.csv");
    writeFileSync(bad, "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbinance,BTCUSDT,1,2,3,buy,x,1\n");
    const error = await failure([fixture("binance_quotes_2024-08-08_BTCUSDT.csv.gz"), bad], { merge: true });
    expect(error.name).toBe("EmptyCaptureError");
    expect(error.message).toContain(bad);
    const empty = join(dir, "empty.csv");
    writeFileSync(empty, "");
    expect(await failure([fixture("binance_quotes_2024-08-08_BTCUSDT.csv.gz"), empty], { merge: true })).toBeInstanceOf(UnknownFormatError);
  });
});

describe("malformed rows and chunk boundaries", () => {
  test("malformed CSV rows are counted with their line numbers and reasons; the rest is read", async () => {
    const lines = readFileSync(fixture("binance_trades_2024-08-08_BTCUSDT.csv"), "utf8").trimEnd().split("\n");
    const n = lines.length;
    lines[3] = "binance,BTCUSDT,1723161255342000,1723161254087896,1,buy,-5,0.1";
    lines[5] = "binance,BTCUSDT,1723161255342000";
    lines[7] = lines[7]!.replace(",sell,", ",unknown,").replace(",buy,", ",unknown,");
    lines[9] = lines[9]!.replace(/,[0-9.]+$/, ",abc");
    lines[11] = "binance,BTCUSDT,17231612553420x0,1723161254087896,1,buy,5,0.1";
    const file = join(dir, "damaged.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const { events, stats } = await read([file], { maxRejections: 10 });
    expect(stats.files[0]).toMatchObject({ lines: n, events: n - 1 - 5, rejected: 5 });
    expect(stats.rejections.map((r) => [r.line, r.reason])).toEqual([
      [4, "non-positive-price"],
      [6, "missing-field"],
      [8, "invalid-field"],
      [10, "invalid-field"],
      [12, "bad-timestamp"],
    ]);
    expect(stats.rejections[1]!.message).toMatch(/a row of 3 columns: expected 8 columns: exchange,symbol,/);
    expect(events.every((e) => e.type === "trade" && e.price > 0)).toBe(true);
  });

  test("a file with the header of a format and no valid row: EmptyCaptureError saying what its rows should be", async () => {
    const file = join(dir, "header-only.csv");
    writeFileSync(file, "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbinance,BTCUSDT,x,y,1,buy,1,1\n");
    const error = await failure([file]);
    expect(error.name).toBe("EmptyCaptureError");
    expect(error.message).toMatch(/expected tardis\.dev trades CSV rows: exchange,symbol,timestamp/);
  });

  test("fast-check: the CSV readers give the same events wherever the chunks split the bytes", () => {
    const names = [
      "binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz",
      "binance_quotes_2024-08-08_BTCUSDT.csv.gz",
      "binance_book_snapshot_25_2024-08-08_BTCUSDT.csv.gz",
      "BTCUSDT-trades-2024-08-08.csv",
    ];
    const samples = names.map((name) => {
      const stored = readFileSync(fixture(name));
      const bytes = new Uint8Array(name.endsWith(".gz") ? gunzipSync(stored) : stored).subarray(0, 60_000);
      return { name, bytes };
    });
    const parse = (name: string, bytes: Uint8Array, cuts: number[]): MarketEvent[] => {
      const events: MarketEvent[] = [];
      const parser = new CaptureParser((e) => events.push(e));
      parser.startFile(name, lineDecoderFor(detectFormat(bytes, name), { file: name, name }));
      let at = 0;
      for (const cut of [...cuts].sort((a, b) => a - b)) {
        parser.push(bytes.subarray(at, Math.max(at, cut)));
        at = Math.max(at, cut);
      }
      parser.push(bytes.subarray(at));
      parser.end();
      return events;
    };
    const whole = samples.map((s) => parse(s.name, s.bytes, []));
    fc.assert(
      fc.property(fc.nat(samples.length - 1), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (k, at) => {
        const { name, bytes } = samples[k]!;
        const events = parse(
          name,
          bytes,
          at.map((x) => Math.floor(x * bytes.length)),
        );
        expect(firstDifference(events, whole[k]!), name).toBeNull();
      }),
      { numRuns: 60 },
    );
  });
});
