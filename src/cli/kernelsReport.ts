/**
 * `confluence kernels [capture]`: loads a capture (`-`: standard input), computes every
 * kernel over it on the WASM and JS backends, and prints the results and the timings
 * side by side — a quick proof that both backends agree on real data and how far apart
 * they are. A capture without trades, quotes or a snapshot skips the kernels that need
 * them and says so.
 */
import { performance } from "node:perf_hooks";
import type { DepthSnapshotEvent } from "../feeds/events.js";
import { jsKernels, loadKernels } from "../kernels/index.js";
import type { Kernels } from "../kernels/types.js";
import { replayCaptureFiles } from "../node/captureReader.js";

interface Columns {
  price: number[];
  qty: number[];
  buyer: number[];
  bidPx: number[];
  bidQty: number[];
  askPx: number[];
  askQty: number[];
  snapshot?: DepthSnapshotEvent;
  /** The file's name, or `<stdin>`. */
  name: string;
  lines: number;
  malformed: number;
}

async function load(file: string): Promise<Columns> {
  const c: Columns = { price: [], qty: [], buyer: [], bidPx: [], bidQty: [], askPx: [], askQty: [], name: file, lines: 0, malformed: 0 };
  const stats = await replayCaptureFiles(
    [file],
    (e) => {
      if (e.type === "snapshot") c.snapshot ??= e;
      else if (e.type === "trade") {
        c.price.push(e.price);
        c.qty.push(e.qty);
        c.buyer.push(e.buyerInitiated ? 1 : 0);
      } else if (e.type === "quote") {
        c.bidPx.push(e.bidPx);
        c.bidQty.push(e.bidQty);
        c.askPx.push(e.askPx);
        c.askQty.push(e.askQty);
      }
    },
    file === "-" ? { stdin: process.stdin } : {},
  );
  c.name = stats.files[0]?.file ?? file;
  c.lines = stats.lines;
  c.malformed = stats.rejected;
  return c;
}

/** Median ns per call of fn over repeated timed batches. */
function time(fn: () => unknown): number {
  const samples: number[] = [];
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if (performance.now() - t0 >= 5) break;
    reps *= 2;
  }
  for (let s = 0; s < 15; s++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push(((performance.now() - t0) * 1e6) / reps);
  }
  return samples.sort((a, b) => a - b)[7]!;
}

interface Row {
  name: string;
  values: string[];
  ns: number[];
}

function run(k: Kernels, c: Columns): { values: Map<string, string>; ns: Map<string, number> } {
  const values = new Map<string, string>(),
    ns = new Map<string, number>();
  const buf = (xs: number[]) => {
    const b = k.allocFloat64(xs.length);
    b.array.set(xs);
    return b;
  };
  const qty = buf(c.qty),
    price = buf(c.price);
  const buyer = k.allocUint8(c.buyer.length);
  buyer.array.set(c.buyer);
  const [pb, qb, pa, qa] = [buf(c.bidPx), buf(c.bidQty), buf(c.askPx), buf(c.askQty)];
  const fmt = (x: number, d = 6) => (Number.isNaN(x) ? "NaN" : x.toFixed(d));

  if (c.qty.length > 0) {
    const vd = k.volumeDelta(qty, buyer);
    values.set("trades: buy / sell volume", `${fmt(vd.buyVolume, 5)} / ${fmt(vd.sellVolume, 5)}`);
    values.set("trades: delta, imbalance", `${fmt(vd.delta, 5)}, ${fmt(vd.imbalance)}`);
    ns.set(
      "trades: buy / sell volume",
      time(() => k.volumeDelta(qty, buyer)),
    );
  }

  if (c.snapshot) {
    const qtys = (levels: Float64Array) => levels.filter((_, i) => i % 2 === 1);
    const bids = qtys(c.snapshot.bids),
      asks = qtys(c.snapshot.asks);
    const bidPx = c.snapshot.bids[0]!,
      askPx = c.snapshot.asks[0]!;
    values.set("snapshot: imbalance top 5 / 20", `${fmt(k.bookImbalance(bids, asks, 5))} / ${fmt(k.bookImbalance(bids, asks, 20))}`);
    values.set("snapshot: depth-weighted (decay 0.5)", fmt(k.depthWeightedImbalance(bids, asks, 20, 0.5)));
    values.set("snapshot: microprice", fmt(k.microprice(bidPx, bids[0]!, askPx, asks[0]!), 4));
    ns.set(
      "snapshot: imbalance top 5 / 20",
      time(() => k.bookImbalance(bids, asks, 20)),
    );
  }

  const out = k.allocFloat64(c.bidPx.length);
  if (c.bidPx.length > 0) {
    const e = k.orderFlowImbalance(pb, qb, pa, qa);
    const rollingOfi = k.rollingOrderFlowImbalance(pb, qb, pa, qa, 100);
    values.set("quotes: OFI last 100 (rolling sum)", fmt(rollingOfi[rollingOfi.length - 1]!, 5));
    values.set("quotes: OFI e[n] count", String(e.length));
    ns.set(
      "quotes: OFI last 100 (rolling sum)",
      time(() => k.rollingOrderFlowImbalanceInto(pb, qb, pa, qa, 100, out)),
    );
    ns.set(
      "quotes: OFI e[n] count",
      time(() => k.orderFlowImbalanceInto(pb, qb, pa, qa, out)),
    );
  }

  const n = c.price.length;
  if (n > 0) {
    const r = k.rolling(price, 100);
    const last = n - 1;
    values.set("trade prices: rolling(100) mean, std", `${fmt(r.mean[last]!, 4)}, ${fmt(r.std[last]!)}`);
    values.set("trade prices: zscore, pct rank", `${fmt(r.zscore[last]!, 4)}, ${fmt(r.rank[last]!, 4)}`);
    values.set("trade prices: min / max", `${fmt(r.min[last]!, 2)} / ${fmt(r.max[last]!, 2)}`);
    const result = {
      mean: new Float64Array(n),
      std: new Float64Array(n),
      min: new Float64Array(n),
      max: new Float64Array(n),
      zscore: new Float64Array(n),
      rank: new Float64Array(0),
    };
    ns.set(
      "trade prices: rolling(100) mean, std",
      time(() => k.rollingInto(price, 100, result)),
    );
    const win = k.rollingStats(100);
    ns.set(
      "trade prices: zscore, pct rank",
      time(() => {
        for (let i = 0; i < 1000; i++) win.push(c.price[i % n]!);
      }) / 1000,
    );
    win.dispose();
  }
  for (const b of [qty, price, buyer, pb, qb, pa, qa, out]) b.free();
  return { values, ns };
}

export async function kernelsReport(file: string, print: (line: string) => void): Promise<void> {
  const c = await load(file);
  const backends = [await loadKernels(), jsKernels()];
  const runs = backends.map((k) => run(k, c));
  print(
    `${c.name}: ${c.lines} lines (${c.malformed} malformed), ${c.qty.length} trades, ${c.bidPx.length} best quotes, ` +
      `snapshot ${c.snapshot ? `${c.snapshot.bids.length / 2}×${c.snapshot.asks.length / 2} levels` : "missing"}`,
  );
  const missing = [
    c.qty.length === 0 ? "trades" : "",
    c.bidPx.length === 0 ? "best quotes" : "",
    c.snapshot ? "" : "a depth snapshot",
  ].filter((m) => m);
  if (missing.length > 0) print(`no ${missing.join(", no ")} in this capture: the kernels that need them are left out`);
  const names = [...runs[0]!.values.keys()];
  const rows: Row[] = names.map((name) => ({
    name,
    values: runs.map((r) => r.values.get(name)!),
    ns: runs.map((r) => r.ns.get(name) ?? NaN),
  }));
  const header = ["", ...backends.map((k) => k.backend), "agree", ...backends.map((k) => `${k.backend} time`), "js/wasm"];
  const table = rows.map((r) => [
    r.name,
    ...r.values,
    r.values.every((v) => v === r.values[0]) ? "yes" : "NO",
    ...r.ns.map((t) =>
      Number.isNaN(t) ? "" : t >= 1e6 ? `${(t / 1e6).toFixed(2)} ms` : t >= 1e3 ? `${(t / 1e3).toFixed(1)} µs` : `${t.toFixed(0)} ns`,
    ),
    Number.isNaN(r.ns[0]!) ? "" : `${(r.ns[1]! / r.ns[0]!).toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  print(line(header));
  for (const row of table) print(line(row));
  print("times: median per call (per push for the streaming window); WASM inputs are zero-copy kernel buffers");
}
