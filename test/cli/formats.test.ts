/**
 * `confluence replay`, `evaluate` and `publish` on every input format (the samples in
 * test/fixtures/formats/, written by scripts/makeFormatSamples.mjs): exit 0, a summary
 * valid against the schema that says per file which format and which clock was read, the
 * table saying the same in words; a public trades CSV piped in takes --symbol.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { Redis } from "ioredis";
import { inputKey } from "../../src/cluster/keys.js";
import { FORMAT_NAMES, type InputFormat } from "../../src/feeds/formats/lineDecoder.js";
import { RedisServer, skipRedis } from "../support/redis.js";
import { confluence } from "./runCli.js";

const schema = JSON.parse(readFileSync(new URL("../../docs/replay-summary.schema.json", import.meta.url), "utf8"));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const fixture = (name: string): string => new URL(`../fixtures/formats/${name}`, import.meta.url).pathname;

const SAMPLES: [string, string, string, string][] = [
  ["btcusdt-spot.ws.jsonl.gz", "BTCUSDT", "binance-ws", "exchange"],
  ["binance_trades_2024-08-08_BTCUSDT.csv", "BTCUSDT", "tardis-trades", "receive"],
  ["binance_quotes_2024-08-08_BTCUSDT.csv.gz", "BTCUSDT", "tardis-quotes", "receive"],
  ["binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz", "BTCUSDT", "tardis-incremental-book-l2", "receive"],
  ["binance_book_snapshot_25_2024-08-08_BTCUSDT.csv.gz", "BTCUSDT", "tardis-book-snapshot", "receive"],
  ["binance-futures_incremental_book_L2_2024-08-08_ETHUSDT.csv.gz", "ETHUSDT", "tardis-incremental-book-l2", "receive"],
  ["BTCUSDT-aggTrades-2024-08-08.zip", "BTCUSDT", "binance-agg-trades", "exchange"],
  ["ETHUSDT-trades-2024-08-08.zip", "ETHUSDT", "binance-trades", "exchange"],
  ["ethusdt-usdm.ws.jsonl.gz", "ETHUSDT", "binance-ws", "exchange"],
  ["binance-futures_trades_2024-08-08_ETHUSDT.csv.gz", "ETHUSDT", "tardis-trades", "receive"],
  ["binance-futures_quotes_2024-08-08_ETHUSDT.csv.gz", "ETHUSDT", "tardis-quotes", "receive"],
  ["BTCUSDT-trades-2024-08-08.csv", "BTCUSDT", "binance-trades", "exchange"],
  ["ETHUSDT-aggTrades-2024-08-08.csv", "ETHUSDT", "binance-agg-trades", "exchange"],
];

describe("confluence replay on every format", () => {
  test.each(SAMPLES)(
    "%s: exit 0, --json names the format and the clock, the table says it in words",
    async (name, symbol, format, clock) => {
      const [json, table] = await Promise.all([confluence(["replay", fixture(name), "--json"]), confluence(["replay", fixture(name)])]);
      expect(json.code, json.stderr).toBe(0);
      const out = JSON.parse(json.stdout);
      expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
      expect(out.input.files).toEqual([expect.objectContaining({ file: fixture(name), format, clock, rejected: 0 })]);
      expect(Object.keys(out.symbols)).toEqual([symbol]);
      const s = out.symbols[symbol];
      expect(s.events.rejected, `${name}: the engine accepts every event`).toBe(0);
      if (format.includes("book")) expect(s.book.synced, `${name}: the book is in sync`).toBe(true);
      expect(table.code, table.stderr).toBe(0);
      const line = table.stdout.split("\n").find((l) => l.includes(`${fixture(name)}: `));
      expect(line, `${name}: the table has a line for the file`).toBeDefined();
      expect(line).toContain(`${FORMAT_NAMES[format as InputFormat]}; clock: `);
      expect(line).toMatch(
        clock === "receive" ? /clock: the recorded receive time$/ : /clock: the exchange time \(the format records no receive time\)$/,
      );
    },
  );

  test("a Binance public trades CSV on stdin: --symbol names it; without it, exit 1 asking for it", async () => {
    const bytes = readFileSync(fixture("BTCUSDT-trades-2024-08-08.csv"));
    const [named, unnamed] = await Promise.all([
      confluence(["replay", "-", "--json", "--symbol", "BTCUSDT"], { input: bytes }),
      confluence(["replay", "-", "--json"], { input: bytes }),
    ]);
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout).symbols.BTCUSDT.events.trade).toBeGreaterThan(200);
    expect(unnamed.code).toBe(1);
    expect(unnamed.stderr).toMatch(/^confluence: <stdin>: a Binance public trades CSV names no symbol and none was given: .*--symbol/);
    const bad = await confluence(["replay", "-", "--symbol", "BTC USDT"], { input: bytes });
    expect(bad.code).toBe(2);
  });

  test("--merge: tardis.dev's book, trades and quotes of a day replayed as they arrived, the book in sync", async () => {
    const files = [
      "binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz",
      "binance_trades_2024-08-08_BTCUSDT.csv",
      "binance_quotes_2024-08-08_BTCUSDT.csv.gz",
    ].map(fixture);
    const r = await confluence(["replay", "--merge", ...files, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    expect(out.input.files.map((f: { format: string }) => f.format)).toEqual([
      "tardis-incremental-book-l2",
      "tardis-trades",
      "tardis-quotes",
    ]);
    const s = out.symbols.BTCUSDT;
    expect(s.events).toMatchObject({ trade: 297, snapshot: 1, rejected: 0 });
    expect(s.events.quote).toBeGreaterThan(1000);
    expect(s.book.synced).toBe(true);
  });

  test("evaluate --merge: tardis.dev's book, trades and quotes of a day are one capture, scored and labelled as they arrived", async () => {
    const names = [
      "binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz",
      "binance_trades_2024-08-08_BTCUSDT.csv",
      "binance_quotes_2024-08-08_BTCUSDT.csv.gz",
    ];
    const r = await confluence(["evaluate", "--merge", ...names.map(fixture), "--json", "--replicates", "20", "--horizons", "100ms,1s"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.input.files.map((f: { format: string }) => f.format)).toEqual([
      "tardis-incremental-book-l2",
      "tardis-trades",
      "tardis-quotes",
    ]);
    expect(out.captures, "one capture, not three").toHaveLength(1);
    expect(out.captures[0]).toMatchObject({ capture: names.join("+"), symbol: "BTCUSDT" });
    expect(out.captures[0].samples, "score updates from the merged stream").toBeGreaterThan(100);
    expect(out.captures[0].horizons[0].labelled, "labelled by the quotes merged in").toBeGreaterThan(100);
    // without --merge each file is its own capture: the trades alone have no book, so no score
    const apart = await confluence(["evaluate", ...names.map(fixture), "--json", "--replicates", "20", "--horizons", "100ms"]);
    expect(apart.code, apart.stderr).toBe(0);
    expect(JSON.parse(apart.stdout).captures.length).toBeGreaterThan(1);
  });

  test("evaluate reads a tardis incremental_book_L2 file and says which format and clock it read", async () => {
    const r = await confluence([
      "evaluate",
      fixture("binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz"),
      "--json",
      "--replicates",
      "20",
      "--horizons",
      "100ms,1s",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.input.files[0]).toMatchObject({ format: "tardis-incremental-book-l2", clock: "receive", rejected: 0 });
  });
});

describe.skipIf(skipRedis)("confluence publish on the formats", () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  test("a tardis trades CSV, and a Binance trades zip piped in with --symbol: every event in the symbol's stream", async () => {
    const r = await confluence(["publish", "-r", server.url, fixture("binance_trades_2024-08-08_BTCUSDT.csv")]);
    expect(r.code, r.stderr).toBe(0);
    const trades = readFileSync(fixture("binance_trades_2024-08-08_BTCUSDT.csv"), "utf8").trimEnd().split("\n").length - 1;
    expect(await redis.xlen(inputKey("BTCUSDT"))).toBe(trades);
    const piped = await confluence(["publish", "-r", server.url, "-", "--symbol", "ETHUSDT"], {
      input: readFileSync(fixture("ETHUSDT-trades-2024-08-08.zip")),
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect(await redis.xlen(inputKey("ETHUSDT"))).toBeGreaterThan(100);
  });

  test("--merge: the trades and quotes of a day in receive-time order in the stream", async () => {
    await redis.del(inputKey("BTCUSDT"));
    const files = ["binance_trades_2024-08-08_BTCUSDT.csv", "binance_quotes_2024-08-08_BTCUSDT.csv.gz"].map(fixture);
    const r = await confluence(["publish", "-r", server.url, "--merge", ...files]);
    expect(r.code, r.stderr).toBe(0);
    const entries = await redis.xrange(inputKey("BTCUSDT"), "-", "+");
    const times = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf("e") + 1]!).r as number);
    expect(new Set(entries.map(([, fields]) => JSON.parse(fields[fields.indexOf("e") + 1]!).t))).toEqual(new Set(["trade", "quote"]));
    expect(
      times.every((t, i) => i === 0 || t >= times[i - 1]!),
      "receive times never go back",
    ).toBe(true);
  });
});
