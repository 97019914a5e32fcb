/**
 * Writes test/fixtures/formats/: a small sample of every input format the readers know,
 * made from the first lines of two bundled captures (data/: spot BTCUSDT, USD-M ETHUSDT),
 * so that the tests check each reader against the capture it came from and download
 * nothing. Deterministic (gzip without a time, zip entries with a fixed time): running it
 * again writes the same bytes.
 *
 *   <market>.capture.jsonl.gz   the capture lines used (the reference)
 *   <market>.ws.jsonl.gz        the same messages as raw websocket lines (no receive time)
 *   tardis.dev CSV              trades, quotes (from bookTicker), incremental_book_L2 (the
 *                               book after the snapshot as is_snapshot rows, then each diff's
 *                               levels, as tardis builds it from the same stream),
 *                               book_snapshot_25 (the top 25 after each diff, spot)
 *   data.binance.vision CSV     trades and aggTrades (consecutive trades of one time, price
 *                               and side aggregated; aggregate ids synthesised): spot without
 *                               header, futures with; some zipped
 *
 * Usage: node scripts/makeFormatSamples.mjs
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { zipSync } from "fflate";

const root = new URL("..", import.meta.url);
const out = new URL("test/fixtures/formats/", root);
/** Capture lines per sample. */
const LINES = 2000;
/** book_snapshot_25 rows (one per diff). */
const SNAPSHOT_ROWS = 120;
const ZIP_TIME = new Date("2024-08-09T00:00:00Z");

const SOURCES = [
  { capture: "binance-spot-btcusdt-2024-08-08.jsonl.gz", name: "btcusdt-spot", exchange: "binance", symbol: "BTCUSDT", futures: false },
  {
    capture: "binance-usdm-ethusdt-2024-08-08.jsonl.gz",
    name: "ethusdt-usdm",
    exchange: "binance-futures",
    symbol: "ETHUSDT",
    futures: true,
  },
];

mkdirSync(out, { recursive: true });
const written = [];
function write(name, bytes) {
  writeFileSync(new URL(name, out), bytes);
  written.push([name, bytes.length]);
}
const gz = (text) => gzipSync(Buffer.from(text), { level: 9 });
const zip = (entry, text) => zipSync({ [entry]: [new TextEncoder().encode(text), { mtime: ZIP_TIME }] }, { level: 9 });
const csv = (rows) => `${rows.map((r) => r.join(",")).join("\n")}\n`;

for (const source of SOURCES) {
  const text = gunzipSync(readFileSync(new URL(`data/${source.capture}`, root))).toString("utf8");
  const lines = text.split("\n").slice(0, LINES);
  write(`${source.name}.capture.jsonl.gz`, gz(`${lines.join("\n")}\n`));
  write(`${source.name}.ws.jsonl.gz`, gz(`${lines.map((l) => l.slice(l.indexOf(" ") + 1)).join("\n")}\n`));

  const prefix = `${source.exchange}_`;
  const suffix = `_2024-08-08_${source.symbol}.csv`;
  const trades = [["exchange", "symbol", "timestamp", "local_timestamp", "id", "side", "price", "amount"]];
  const quotes = [["exchange", "symbol", "timestamp", "local_timestamp", "ask_amount", "ask_price", "bid_price", "bid_amount"]];
  const l2 = [["exchange", "symbol", "timestamp", "local_timestamp", "is_snapshot", "side", "price", "amount"]];
  const top = [["exchange", "symbol", "timestamp", "local_timestamp"]];
  for (let i = 0; i < 25; i++) top[0].push(`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`);
  const tape = [];
  const book = { bids: new Map(), asks: new Map() };
  let snapshotId = -1;
  const buffered = [];

  for (const line of lines) {
    if (line === "") continue;
    const space = line.indexOf(" ");
    const localUs = line.slice(0, space - 3);
    const msg = JSON.parse(line.slice(space + 1));
    const d = msg.data ?? msg;
    const row = (timestampUs) => [source.exchange, source.symbol, timestampUs, localUs];
    if (d.lastUpdateId !== undefined) {
      // the REST snapshot: the book, bridged by the diffs that arrived before it (Binance's procedure)
      snapshotId = d.lastUpdateId;
      for (const [p, q] of d.bids) book.bids.set(p, q);
      for (const [p, q] of d.asks) book.asks.set(p, q);
      for (const diff of buffered) if (source.futures ? diff.u >= snapshotId : diff.u > snapshotId) apply(book, diff);
      const at = d.E === undefined ? localUs : `${d.E}000`;
      for (const [side, levels] of [
        ["bid", book.bids],
        ["ask", book.asks],
      ])
        for (const [p, q] of levels) if (Number(q) > 0) l2.push([...row(at), "true", side, p, q]);
    } else if (d.e === "depthUpdate") {
      if (snapshotId < 0) {
        buffered.push(d);
        continue;
      }
      apply(book, d);
      for (const [p, q] of d.b) l2.push([...row(`${d.E}000`), "false", "bid", p, q]);
      for (const [p, q] of d.a) l2.push([...row(`${d.E}000`), "false", "ask", p, q]);
      if (!source.futures && top.length <= SNAPSHOT_ROWS) top.push([...row(`${d.E}000`), ...top25(book)]);
    } else if (d.e === "trade") {
      trades.push([...row(`${d.T}000`), d.t, d.m ? "sell" : "buy", d.p, d.q]);
      tape.push(d);
    } else if (d.u !== undefined) {
      quotes.push([...row(d.E === undefined ? localUs : `${d.E}000`), d.A, d.a, d.b, d.B]);
    }
  }
  if (source.futures) {
    write(`${prefix}trades${suffix}.gz`, gz(csv(trades)));
    write(`${prefix}quotes${suffix}.gz`, gz(csv(quotes)));
    write(`${prefix}incremental_book_L2${suffix}.gz`, gz(csv(l2)));
  } else {
    write(`${prefix}trades${suffix}`, Buffer.from(csv(trades)));
    write(`${prefix}quotes${suffix}.gz`, gz(csv(quotes)));
    write(`${prefix}incremental_book_L2${suffix}.gz`, gz(csv(l2)));
    write(`${prefix}book_snapshot_25${suffix}.gz`, gz(csv(top)));
  }

  // data.binance.vision: spot files have no header and end with is_best_match (True/False); futures files have a header
  const bool = (b) => (source.futures ? String(b) : b ? "True" : "False");
  const tradeRows = tape.map((t) => [t.t, t.p, t.q, quoteQty(t.p, t.q), t.T, bool(t.m), ...(source.futures ? [] : ["True"])]);
  const aggRows = aggregate(tape).map((a, k) => [
    3_000_000_000 + k,
    a.p,
    a.q,
    a.first,
    a.last,
    a.T,
    bool(a.m),
    ...(source.futures ? [] : ["True"]),
  ]);
  const tradesCsv = csv(source.futures ? [["id", "price", "qty", "quote_qty", "time", "is_buyer_maker"], ...tradeRows] : tradeRows);
  const aggCsv = csv(
    source.futures
      ? [["agg_trade_id", "price", "quantity", "first_trade_id", "last_trade_id", "transact_time", "is_buyer_maker"], ...aggRows]
      : aggRows,
  );
  const file = (kind) => `${source.symbol}-${kind}-2024-08-08`;
  if (source.futures) {
    write(`${file("trades")}.zip`, zip(`${file("trades")}.csv`, tradesCsv));
    write(`${file("aggTrades")}.csv`, Buffer.from(aggCsv));
  } else {
    write(`${file("trades")}.csv`, Buffer.from(tradesCsv));
    write(`${file("aggTrades")}.zip`, zip(`${file("aggTrades")}.csv`, aggCsv));
  }
}

/** A depth diff's absolute quantities on the book (qty 0 removes the level). */
function apply(book, d) {
  for (const [p, q] of d.b) Number(q) > 0 ? book.bids.set(p, q) : book.bids.delete(p);
  for (const [p, q] of d.a) Number(q) > 0 ? book.asks.set(p, q) : book.asks.delete(p);
}

/** The top 25 levels a side as tardis's book_snapshot_25 columns (asks[i] then bids[i]; empty where the book ends). */
function top25(book) {
  const bids = [...book.bids].sort((x, y) => Number(y[0]) - Number(x[0]));
  const asks = [...book.asks].sort((x, y) => Number(x[0]) - Number(y[0]));
  const cells = [];
  for (let i = 0; i < 25; i++) cells.push(...(asks[i] ?? ["", ""]), ...(bids[i] ?? ["", ""]));
  return cells;
}

/** Consecutive trades of one time, price and side as one aggregate trade (what Binance's aggTrade is). */
function aggregate(tape) {
  const aggs = [];
  for (const t of tape) {
    const last = aggs.at(-1);
    if (last && last.T === t.T && last.p === t.p && last.m === t.m && last.last + 1 === t.t) {
      last.last = t.t;
      last.units += units(t.q);
      last.q = decimal(last.units);
    } else aggs.push({ T: t.T, p: t.p, m: t.m, first: t.t, last: t.t, q: t.q, units: units(t.q) });
  }
  return aggs;
}

/** A decimal string as an integer count of 1e-8 (exact sums of quantities; Binance quantities have at most 8 decimals). */
function units(q) {
  const [whole, fraction = ""] = q.split(".");
  return BigInt(whole + fraction.padEnd(8, "0"));
}
/** The count of 1e-8 back as a decimal string, trailing zeros dropped. */
function decimal(n) {
  const s = n.toString().padStart(9, "0");
  return `${s.slice(0, -8)}.${s.slice(-8)}`.replace(/\.?0+$/, "");
}

/** price × qty, as Binance writes quote_qty (informational: the readers do not use it). */
function quoteQty(p, q) {
  return Number((Number(p) * Number(q)).toFixed(8)).toString();
}

for (const [name, bytes] of written) console.log(`${name.padEnd(64)} ${String(bytes).padStart(8)} bytes`);
console.log(`${"total".padEnd(64)} ${String(written.reduce((s, [, b]) => s + b, 0)).padStart(8)} bytes`);
