/**
 * Kernel benchmarks: WASM SIMD (zero-copy and copy-in), WASM scalar, the plain-JS twin
 * (the marked baseline), a best-effort JS variant written here, and the memory-bound
 * floor (one v128 read of the bytes the kernel must read), for
 *   volume delta, book imbalance batch, order-flow imbalance batch (n = 1e3 … 1e6) and
 *   rolling statistics per tick (windows 10, 100, 1000) against trading-signals.
 *
 * Run: `npm run bench` (builds, then `node dist/bench/kernels.bench.js`).
 * Flags: `--quick` (short budgets, for a smoke run), `--only=vd,imb,ofi,roll,boundary`,
 *        `--out=path` (default bench/results/kernels.json).
 * Prints the tables; writes medians, quartiles and ratios as JSON and the same tables as
 * Markdown next to it (kernels.md), from which bench/RESULTS.md is written.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { loadavg } from "node:os";
import { BollingerBands, SMA, getStandardDeviation } from "trading-signals";
import { jsKernels, loadKernels } from "../src/kernels/index.js";
import type { Kernels, VolumeDelta } from "../src/kernels/types.js";
import { loadWasm, type WasmModule } from "../src/wasm/module.js";
import { mulberry32 } from "../src/evaluate/mulberry32.js";
import { loadReadOnce, type ReadOnce } from "./readOnceModule.js";
import {
  DEFAULT_OPTIONS,
  formatGroup,
  formatGroupMarkdown,
  machineMeta,
  medianOf,
  runGroup,
  sinkResult,
  type GroupResult,
  type HarnessOptions,
  type Variant,
  reportHeader,
} from "./harness.js";

// ---------------------------------------------------------------------------------
// Options

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",") ?? ["vd", "imb", "ofi", "roll", "boundary"];
const outPath = args.find((a) => a.startsWith("--out="))?.slice(6) ?? "bench/results/kernels.json";
const options: HarnessOptions = quick
  ? { ...DEFAULT_OPTIONS, warmupMs: 30, groupBudgetMs: 300, minRounds: 3, maxRounds: 9 }
  : { ...DEFAULT_OPTIONS, minSampleMs: 2, warmupMs: 120, groupBudgetMs: 6_000, minRounds: 9, maxRounds: 101 };

const SIZES = [1e3, 1e4, 1e5, 1e6];
const LEVELS = 10;
const DEPTHS = [5, 10];
const WINDOWS = [10, 100, 1000];
const TICKS_PER_CALL = 1024;

// ---------------------------------------------------------------------------------
// Deterministic data

/** mulberry32 scaled to [0, 1): a small seeded PRNG, so every run measures the same inputs. */
function prng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

function gauss(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/** BTC-like trade sizes: log-normal around 0.005, on a 1e-5 lot grid (never 0). */
function tradeQuantities(n: number, rnd: () => number): Float64Array {
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = Math.max(1, Math.round(Math.exp(gauss(rnd) * 1.6 - 5.3) * 1e5)) / 1e5;
  return q;
}

function buyerFlags(n: number, rnd: () => number): Uint8Array {
  const f = new Uint8Array(n);
  for (let i = 0; i < n; i++) f[i] = rnd() < 0.5 ? 1 : 0;
  return f;
}

/** Level-major M×levels matrix of resting sizes (level i of snapshot m at i·M + m). */
function bookMatrix(m: number, rnd: () => number): Float64Array {
  const a = new Float64Array(m * LEVELS);
  for (let i = 0; i < LEVELS; i++) {
    for (let j = 0; j < m; j++) a[i * m + j] = Math.round(rnd() * (0.5 + i * 0.4) * 1e5) / 1e5;
  }
  return a;
}

interface Quotes {
  bidPx: Float64Array;
  bidQty: Float64Array;
  askPx: Float64Array;
  askQty: Float64Array;
}

/** Best quotes on a 0.01 tick random walk near 61,800 (spread 1–2 ticks). */
function bestQuotes(n: number, rnd: () => number): Quotes {
  const q: Quotes = { bidPx: new Float64Array(n), bidQty: new Float64Array(n), askPx: new Float64Array(n), askQty: new Float64Array(n) };
  let ticks = 6_180_000;
  for (let i = 0; i < n; i++) {
    const r = rnd();
    ticks += r < 0.3 ? -1 : r > 0.7 ? 1 : 0;
    q.bidPx[i] = ticks / 100;
    q.askPx[i] = (ticks + (rnd() < 0.8 ? 1 : 2)) / 100;
    q.bidQty[i] = Math.round(rnd() * 3e5) / 1e5;
    q.askQty[i] = Math.round(rnd() * 3e5) / 1e5;
  }
  return q;
}

/** Random walk of trade prices near 61,800 (0.01 tick), mirrored so cycling it has no jump. */
function priceWalk(half: number, rnd: () => number): Float64Array {
  const x = new Float64Array(2 * half);
  let ticks = 6_180_000;
  for (let i = 0; i < half; i++) {
    ticks += Math.round(gauss(rnd) * 3);
    x[i] = ticks / 100;
    x[2 * half - 1 - i] = x[i]!;
  }
  return x;
}

// ---------------------------------------------------------------------------------
// Best-effort JS variants (same outputs and same input validation as the kernels)

/**
 * Volume delta, branchless: buy += q·flag and total += q on 4 accumulators each;
 * sell = total − buy. Validation with one compare per element: a negative quantity
 * sets `bad`, NaN and +Infinity make the total non-finite.
 */
function volumeDeltaBest(qty: Float64Array, buyer: Uint8Array, n: number, out: VolumeDelta): number {
  let b0 = 0,
    b1 = 0,
    b2 = 0,
    b3 = 0,
    t0 = 0,
    t1 = 0,
    t2 = 0,
    t3 = 0,
    bad = 0;
  const blocks = n & ~3;
  let i = 0;
  for (; i < blocks; i += 4) {
    const q0 = qty[i]!,
      q1 = qty[i + 1]!,
      q2 = qty[i + 2]!,
      q3 = qty[i + 3]!;
    b0 += q0 * buyer[i]!;
    b1 += q1 * buyer[i + 1]!;
    b2 += q2 * buyer[i + 2]!;
    b3 += q3 * buyer[i + 3]!;
    t0 += q0;
    t1 += q1;
    t2 += q2;
    t3 += q3;
    bad |= +(q0 < 0) | +(q1 < 0) | +(q2 < 0) | +(q3 < 0);
  }
  let buy = b0 + b2 + (b1 + b3),
    total = t0 + t2 + (t1 + t3);
  for (; i < n; i++) {
    const q = qty[i]!;
    buy += q * buyer[i]!;
    total += q;
    bad |= +(q < 0);
  }
  const sell = total - buy;
  out.buyVolume = buy;
  out.sellVolume = sell;
  out.delta = buy - sell;
  out.imbalance = (buy - sell) / total;
  return bad === 0 && total < Infinity ? 0 : -1;
}

/**
 * Book imbalance batch, four snapshots per iteration (independent sums, contiguous
 * loads within each level row). Validation: compare per value, finiteness of the sums.
 */
function bookImbalanceBest(bid: Float64Array, ask: Float64Array, m: number, depth: number, out: Float64Array): number {
  let bad = 0,
    total = 0;
  const quads = m & ~3;
  let j = 0;
  for (; j < quads; j += 4) {
    let sb0 = 0,
      sa0 = 0,
      sb1 = 0,
      sa1 = 0,
      sb2 = 0,
      sa2 = 0,
      sb3 = 0,
      sa3 = 0;
    let o = j;
    for (let i = 0; i < depth; i++, o += m) {
      const b0 = bid[o]!,
        b1 = bid[o + 1]!,
        b2 = bid[o + 2]!,
        b3 = bid[o + 3]!;
      const a0 = ask[o]!,
        a1 = ask[o + 1]!,
        a2 = ask[o + 2]!,
        a3 = ask[o + 3]!;
      bad |= +(b0 < 0) | +(a0 < 0) | +(b1 < 0) | +(a1 < 0) | +(b2 < 0) | +(a2 < 0) | +(b3 < 0) | +(a3 < 0);
      sb0 += b0;
      sa0 += a0;
      sb1 += b1;
      sa1 += a1;
      sb2 += b2;
      sa2 += a2;
      sb3 += b3;
      sa3 += a3;
    }
    total += sb0 + sa0 + (sb1 + sa1) + (sb2 + sa2 + (sb3 + sa3));
    out[j] = (sb0 - sa0) / (sb0 + sa0);
    out[j + 1] = (sb1 - sa1) / (sb1 + sa1);
    out[j + 2] = (sb2 - sa2) / (sb2 + sa2);
    out[j + 3] = (sb3 - sa3) / (sb3 + sa3);
  }
  for (; j < m; j++) {
    let sb = 0,
      sa = 0;
    for (let i = 0, o = j; i < depth; i++, o += m) {
      const b = bid[o]!,
        a = ask[o]!;
      bad |= +(b < 0) | +(a < 0);
      sb += b;
      sa += a;
    }
    total += sb + sa;
    out[j] = (sb - sa) / (sb + sa);
  }
  return bad === 0 && total < Infinity ? 0 : -1;
}

/**
 * Order-flow imbalance e[n], branchless: each indicator term is q·(comparison as 0/1),
 * so random-walk prices cost no branch mispredictions; the previous quote is carried
 * in registers (one load per input per element). Validation: compare per value, two
 * alternating finite sums.
 */
function orderFlowImbalanceBest(
  bidPx: Float64Array,
  bidQty: Float64Array,
  askPx: Float64Array,
  askQty: Float64Array,
  n: number,
  out: Float64Array,
): number {
  if (n <= 0) return 0;
  let pb0 = bidPx[0]!,
    qb0 = bidQty[0]!,
    pa0 = askPx[0]!,
    qa0 = askQty[0]!;
  let bad = +(pb0 < 0) | +(qb0 < 0) | +(pa0 < 0) | +(qa0 < 0);
  let odd = pb0 + qb0 + (pa0 + qa0),
    even = 0;
  out[0] = NaN;
  for (let i = 1; i < n; i++) {
    const pb = bidPx[i]!,
      qb = bidQty[i]!,
      pa = askPx[i]!,
      qa = askQty[i]!;
    bad |= +(pb < 0) | +(qb < 0) | +(pa < 0) | +(qa < 0);
    const s = pb + qb + (pa + qa);
    if (i & 1) odd += s;
    else even += s;
    out[i] = qb * +(pb >= pb0) - qb0 * +(pb <= pb0) - qa * +(pa <= pa0) + qa0 * +(pa >= pa0);
    pb0 = pb;
    qb0 = qb;
    pa0 = pa;
    qa0 = qa;
  }
  return bad === 0 && odd + even < Infinity ? 0 : -1;
}

function invalid(what: string): never {
  throw new Error(`${what}: invalid input`);
}

// ---------------------------------------------------------------------------------
// Checks that every variant computes the same thing before it is timed

function close(a: number, b: number, what: string): void {
  if (Number.isNaN(a) && Number.isNaN(b)) return;
  if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)))) throw new Error(`${what}: ${a} vs ${b}`);
}

function closeArrays(a: Float64Array, b: Float64Array, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: lengths ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) close(a[i]!, b[i]!, `${what}[${i}]`);
}

/** The best-JS validation must reject what the kernels reject. */
function selfCheckValidation(): void {
  const out: VolumeDelta = { buyVolume: 0, sellVolume: 0, delta: 0, imbalance: 0 };
  for (const bad of [-1e-5, NaN, Infinity]) {
    const q = new Float64Array([1, 2, 3, 4, 5]);
    q[2] = bad;
    if (volumeDeltaBest(q, new Uint8Array(5), 5, out) === 0) throw new Error(`volumeDeltaBest accepted ${bad}`);
    const book = new Float64Array(8 * LEVELS).fill(1);
    book[3 * 8 + 5] = bad;
    if (bookImbalanceBest(book, new Float64Array(8 * LEVELS).fill(1), 8, 5, new Float64Array(8)) === 0) {
      throw new Error(`bookImbalanceBest accepted ${bad}`);
    }
    const px = new Float64Array(6).fill(100);
    px[4] = bad;
    const one = new Float64Array(6).fill(1);
    if (orderFlowImbalanceBest(one, one, px, one, 6, new Float64Array(6)) === 0) throw new Error(`orderFlowImbalanceBest accepted ${bad}`);
  }
}

// ---------------------------------------------------------------------------------
// Benchmark groups

interface Backends {
  simd: Kernels;
  scalar: Kernels;
  js: Kernels;
  /** A separate instance of the SIMD module for the raw exports (floor, call cost). */
  raw: WasmModule;
  /** The floor, from the bench module over `raw`'s memory. */
  readOnce: ReadOnce;
}

/** A block of the raw module's memory holding a copy of `data`. */
function rawF64(mod: WasmModule, data: Float64Array): number {
  const p = mod.alloc(data.length * 8);
  mod.f64.set(data, p >> 3);
  return p;
}

function rawU8(mod: WasmModule, data: Uint8Array): number {
  const p = mod.alloc(data.length);
  mod.u8.set(data, p);
  return p;
}

/** The floor: one read of `bytes` bytes at each of four pointers. */
function floorRead4(readOnce: ReadOnce, ptrs: readonly number[], bytes: number): () => number {
  const [a, b, c, d] = ptrs as [number, number, number, number];
  return () => ((readOnce(a, bytes) ^ readOnce(b, bytes)) === (readOnce(c, bytes) ^ readOnce(d, bytes)) ? 1 : 0);
}

function volumeDeltaGroups(k: Backends, results: GroupResult[]): void {
  const rnd = prng(1);
  for (const n of SIZES) {
    const q = tradeQuantities(n, rnd),
      f = buyerFlags(n, rnd);
    const qS = k.simd.allocFloat64(n),
      fS = k.simd.allocUint8(n);
    qS.array.set(q);
    fS.array.set(f);
    const qC = k.scalar.allocFloat64(n),
      fC = k.scalar.allocUint8(n);
    qC.array.set(q);
    fC.array.set(f);
    const mod = k.raw;
    const qR = rawF64(mod, q),
      fR = rawU8(mod, f),
      oR = mod.alloc(40);
    const outs = Array.from({ length: 5 }, (): VolumeDelta => ({ buyVolume: 0, sellVolume: 0, delta: 0, imbalance: 0 }));

    const ref = k.js.volumeDelta(q, f);
    if (volumeDeltaBest(q, f, n, outs[0]!) !== 0) invalid("volumeDeltaBest");
    for (const [name, r] of [
      ["best", outs[0]!],
      ["simd", k.simd.volumeDelta(qS, fS)],
      ["simd copy", k.simd.volumeDelta(q, f)],
      ["scalar", k.scalar.volumeDelta(qC, fC)],
    ] as const) {
      close(r.buyVolume, ref.buyVolume, `volumeDelta ${name} buy n=${n}`);
      close(r.sellVolume, ref.sellVolume, `volumeDelta ${name} sell n=${n}`);
      close(r.imbalance, ref.imbalance, `volumeDelta ${name} imbalance n=${n}`);
    }
    mod.exports.volumeDelta(qR, fR, n, oR);
    close(mod.f64[(oR >> 3) + 2]!, ref.delta, `volumeDelta raw n=${n}`);
    const readOnce = k.readOnce;

    const variants: Variant[] = [
      { name: "js-twin", baseline: true, note: "jsKernels().volumeDeltaInto", run: () => k.js.volumeDeltaInto(q, f, outs[1]!).delta },
      {
        name: "js-best",
        note: "branchless, 4+4 accumulators",
        run: () => (volumeDeltaBest(q, f, n, outs[2]!) === 0 ? outs[2]!.delta : invalid("qty")),
      },
      { name: "wasm-simd", note: "zero-copy buffers", run: () => k.simd.volumeDeltaInto(qS, fS, outs[3]!).delta },
      { name: "wasm-simd-copy-in", note: "plain typed arrays, copied in", run: () => k.simd.volumeDeltaInto(q, f, outs[3]!).delta },
      { name: "wasm-scalar", note: "zero-copy buffers", run: () => k.scalar.volumeDeltaInto(qC, fC, outs[4]!).delta },
      {
        name: "wasm-simd-raw-export",
        note: "exports.volumeDelta, no facade",
        run: () => {
          mod.exports.volumeDelta(qR, fR, n, oR);
          return mod.f64[(oR >> 3) + 2]!;
        },
      },
      {
        name: "floor-read-once",
        note: `readOnce over n·8 + n = ${n * 9} bytes`,
        run: () => (readOnce(qR, n * 8) === readOnce(fR, n) ? 1 : 0),
      },
    ];
    results.push(report(runGroup({ group: "volumeDelta", params: { n }, elements: n, unit: "elem", variants }, options)));

    qS.free();
    fS.free();
    qC.free();
    fC.free();
    mod.free(qR);
    mod.free(fR);
    mod.free(oR);
  }
}

function bookImbalanceGroups(k: Backends, results: GroupResult[]): void {
  const rnd = prng(2);
  for (const m of SIZES) {
    const bid = bookMatrix(m, rnd),
      ask = bookMatrix(m, rnd);
    const bS = k.simd.allocFloat64(m * LEVELS),
      aS = k.simd.allocFloat64(m * LEVELS),
      oS = k.simd.allocFloat64(m);
    bS.array.set(bid);
    aS.array.set(ask);
    const bC = k.scalar.allocFloat64(m * LEVELS),
      aC = k.scalar.allocFloat64(m * LEVELS),
      oC = k.scalar.allocFloat64(m);
    bC.array.set(bid);
    aC.array.set(ask);
    const mod = k.raw;
    const bR = rawF64(mod, bid),
      aR = rawF64(mod, ask);
    const outTwin = new Float64Array(m),
      outBest = new Float64Array(m),
      outCopy = new Float64Array(m);

    for (const depth of DEPTHS) {
      k.js.bookImbalanceBatchInto(bid, ask, m, depth, outTwin);
      if (bookImbalanceBest(bid, ask, m, depth, outBest) !== 0) invalid("bookImbalanceBest");
      closeArrays(outBest, outTwin, `bookImbalance best M=${m} depth=${depth}`);
      k.simd.bookImbalanceBatchInto(bS, aS, m, depth, oS);
      closeArrays(oS.array, outTwin, `bookImbalance simd M=${m} depth=${depth}`);
      k.simd.bookImbalanceBatchInto(bid, ask, m, depth, outCopy);
      closeArrays(outCopy, outTwin, `bookImbalance simd copy-in M=${m} depth=${depth}`);
      k.scalar.bookImbalanceBatchInto(bC, aC, m, depth, oC);
      closeArrays(oC.array, outTwin, `bookImbalance scalar M=${m} depth=${depth}`);

      const last = m - 1;
      const readOnce = k.readOnce;
      const bytes = m * depth * 8;
      const variants: Variant[] = [
        {
          name: "js-twin",
          baseline: true,
          note: "jsKernels().bookImbalanceBatchInto",
          run: () => {
            k.js.bookImbalanceBatchInto(bid, ask, m, depth, outTwin);
            return outTwin[last]!;
          },
        },
        {
          name: "js-best",
          note: "4 snapshots per iteration",
          run: () => (bookImbalanceBest(bid, ask, m, depth, outBest) === 0 ? outBest[last]! : invalid("book")),
        },
        {
          name: "wasm-simd",
          note: "zero-copy buffers (in and out)",
          run: () => {
            k.simd.bookImbalanceBatchInto(bS, aS, m, depth, oS);
            return oS.array[last]!;
          },
        },
        {
          name: "wasm-simd-copy-in",
          note: "plain typed arrays, copied in and out",
          run: () => {
            k.simd.bookImbalanceBatchInto(bid, ask, m, depth, outCopy);
            return outCopy[last]!;
          },
        },
        {
          name: "wasm-scalar",
          note: "zero-copy buffers",
          run: () => {
            k.scalar.bookImbalanceBatchInto(bC, aC, m, depth, oC);
            return oC.array[last]!;
          },
        },
        {
          name: "floor-read-once",
          note: `readOnce over 2·M·depth·8 = ${2 * bytes} bytes`,
          run: () => (readOnce(bR, bytes) === readOnce(aR, bytes) ? 1 : 0),
        },
      ];
      results.push(
        report(
          runGroup(
            {
              group: "bookImbalanceBatch",
              params: { M: m, depth, levels: LEVELS },
              elements: m,
              unit: "snap",
              variants,
            },
            options,
          ),
        ),
      );
    }
    for (const b of [bS, aS, oS, bC, aC, oC]) b.free();
    mod.free(bR);
    mod.free(aR);
  }
}

function orderFlowGroups(k: Backends, results: GroupResult[]): void {
  const rnd = prng(3);
  for (const n of SIZES) {
    const q = bestQuotes(n, rnd);
    const inputs = [q.bidPx, q.bidQty, q.askPx, q.askQty] as const;
    const S = inputs.map((a) => {
      const b = k.simd.allocFloat64(n);
      b.array.set(a);
      return b;
    });
    const C = inputs.map((a) => {
      const b = k.scalar.allocFloat64(n);
      b.array.set(a);
      return b;
    });
    const oS = k.simd.allocFloat64(n),
      oC = k.scalar.allocFloat64(n);
    const mod = k.raw;
    const R = inputs.map((a) => rawF64(mod, a));
    const outTwin = new Float64Array(n),
      outBest = new Float64Array(n),
      outCopy = new Float64Array(n);
    const [sbp, sbq, sap, saq] = S as [typeof oS, typeof oS, typeof oS, typeof oS];
    const [cbp, cbq, cap, caq] = C as [typeof oC, typeof oC, typeof oC, typeof oC];

    k.js.orderFlowImbalanceInto(q.bidPx, q.bidQty, q.askPx, q.askQty, outTwin);
    if (orderFlowImbalanceBest(q.bidPx, q.bidQty, q.askPx, q.askQty, n, outBest) !== 0) invalid("orderFlowImbalanceBest");
    closeArrays(outBest, outTwin, `ofi best n=${n}`);
    k.simd.orderFlowImbalanceInto(sbp, sbq, sap, saq, oS);
    closeArrays(oS.array, outTwin, `ofi simd n=${n}`);
    k.simd.orderFlowImbalanceInto(q.bidPx, q.bidQty, q.askPx, q.askQty, outCopy);
    closeArrays(outCopy, outTwin, `ofi simd copy-in n=${n}`);
    k.scalar.orderFlowImbalanceInto(cbp, cbq, cap, caq, oC);
    closeArrays(oC.array, outTwin, `ofi scalar n=${n}`);

    const last = n - 1;
    const variants: Variant[] = [
      {
        name: "js-twin",
        baseline: true,
        note: "jsKernels().orderFlowImbalanceInto",
        run: () => {
          k.js.orderFlowImbalanceInto(q.bidPx, q.bidQty, q.askPx, q.askQty, outTwin);
          return outTwin[last]!;
        },
      },
      {
        name: "js-best",
        note: "branchless, previous quote in registers",
        run: () => (orderFlowImbalanceBest(q.bidPx, q.bidQty, q.askPx, q.askQty, n, outBest) === 0 ? outBest[last]! : invalid("quotes")),
      },
      {
        name: "wasm-simd",
        note: "zero-copy buffers (in and out)",
        run: () => {
          k.simd.orderFlowImbalanceInto(sbp, sbq, sap, saq, oS);
          return oS.array[last]!;
        },
      },
      {
        name: "wasm-simd-copy-in",
        note: "plain typed arrays, copied in and out",
        run: () => {
          k.simd.orderFlowImbalanceInto(q.bidPx, q.bidQty, q.askPx, q.askQty, outCopy);
          return outCopy[last]!;
        },
      },
      {
        name: "wasm-scalar",
        note: "zero-copy buffers",
        run: () => {
          k.scalar.orderFlowImbalanceInto(cbp, cbq, cap, caq, oC);
          return oC.array[last]!;
        },
      },
      {
        name: "floor-read-once",
        note: `readOnce over 4·n·8 = ${32 * n} bytes (the kernel also writes n·8)`,
        run: floorRead4(k.readOnce, R, n * 8),
      },
    ];
    results.push(report(runGroup({ group: "orderFlowImbalance", params: { n }, elements: n, unit: "elem", variants }, options)));
    for (const b of [...S, ...C, oS, oC]) b.free();
    for (const p of R) mod.free(p);
  }
}

function rollingStatsGroups(k: Backends, results: GroupResult[]): void {
  const prices = priceWalk(1 << 15, prng(4));
  const len = prices.length,
    mask = len - 1;
  const mod = k.raw;
  const pricesR = rawF64(mod, prices);
  const outMean = mod.alloc(TICKS_PER_CALL * 8),
    outStd = mod.alloc(TICKS_PER_CALL * 8);
  for (const w of WINDOWS) {
    const alpha = 2 / (w + 1);
    const wJ = k.js.rollingStats(w),
      wS = k.simd.rollingStats(w);
    const stateR = mod.alloc(mod.exports.rollingStatsSize(w));
    mod.exports.rollingStatsInit(stateR, w, alpha, w, 1);
    const stateB = mod.alloc(mod.exports.rollingStatsSize(w));
    mod.exports.rollingStatsInit(stateB, w, alpha, w, 1);
    const baseR = stateR >> 3;
    const push = mod.exports.rollingStatsPush,
      batch = mod.exports.rollingStatsBatch;
    const sma = new SMA(w),
      bb = new BollingerBands(w, 1);
    // Fill every window first so each variant measures steady state.
    for (let i = 0; i < 2 * w; i++) {
      const x = prices[i]!;
      wJ.push(x);
      wS.push(x);
      push(stateR, x);
      sma.add(x);
      bb.add(x);
    }
    close(wS.mean, wJ.mean, `rolling mean w=${w}`);
    close(wS.std, wJ.std, `rolling std w=${w}`);
    close(getStandardDeviation(sma.prices, sma.getResultOrThrow()) * Math.sqrt(w / (w - 1)), wJ.std, `trading-signals std w=${w}`);

    let cJ = 2 * w,
      cS = 2 * w,
      cR = 2 * w,
      cB = 0,
      cT = 2 * w,
      cBB = 2 * w;
    const variants: Variant[] = [
      {
        name: "js-twin",
        baseline: true,
        note: "jsKernels().rollingStats(w): push, mean, std",
        run: () => {
          let acc = 0;
          for (let t = 0; t < TICKS_PER_CALL; t++) {
            wJ.push(prices[cJ++ & mask]!);
            acc += wJ.mean + wJ.std;
          }
          return acc;
        },
      },
      {
        name: "wasm-simd",
        note: "loadKernels().rollingStats(w): push, mean, std",
        run: () => {
          let acc = 0;
          for (let t = 0; t < TICKS_PER_CALL; t++) {
            wS.push(prices[cS++ & mask]!);
            acc += wS.mean + wS.std;
          }
          return acc;
        },
      },
      {
        name: "wasm-raw-push",
        note: "exports.rollingStatsPush + f64 view reads, no wrapper",
        run: () => {
          let acc = 0;
          const f64 = mod.f64;
          for (let t = 0; t < TICKS_PER_CALL; t++) {
            push(stateR, prices[cR++ & mask]!);
            acc += f64[baseR]! + f64[baseR + 1]!;
          }
          return acc;
        },
      },
      {
        name: "wasm-batch-in-wasm",
        note: "exports.rollingStatsBatch over 1024 ticks: the per-tick compute without crossing",
        run: () => {
          const start = cB;
          cB = (cB + TICKS_PER_CALL) & mask;
          batch(stateB, pricesR + start * 8, TICKS_PER_CALL, outMean, outStd, 0, 0, 0, 0);
          return mod.f64[(outMean >> 3) + TICKS_PER_CALL - 1]! + mod.f64[(outStd >> 3) + TICKS_PER_CALL - 1]!;
        },
      },
      {
        name: "trading-signals-SMA+SD",
        note: "SMA.add + getStandardDeviation(sma.prices, mean)",
        run: () => {
          let acc = 0;
          for (let t = 0; t < TICKS_PER_CALL; t++) {
            const mean = sma.add(prices[cT++ & mask]!)!;
            acc += mean + getStandardDeviation(sma.prices, mean);
          }
          return acc;
        },
      },
      {
        name: "trading-signals-BBANDS",
        note: "BollingerBands(w, 1).add: middle = SMA, upper − middle = SD",
        run: () => {
          let acc = 0;
          for (let t = 0; t < TICKS_PER_CALL; t++) {
            const r = bb.add(prices[cBB++ & mask]!)!;
            acc += r.middle + (r.upper - r.middle);
          }
          return acc;
        },
      },
    ];
    results.push(
      report(
        runGroup(
          {
            group: "rollingStatsPerTick",
            params: { window: w, ticksPerCall: TICKS_PER_CALL },
            elements: TICKS_PER_CALL,
            unit: "tick",
            variants,
          },
          options,
        ),
      ),
    );
    wJ.dispose();
    wS.dispose();
    mod.free(stateR);
    mod.free(stateB);
  }
  mod.free(pricesR);
  mod.free(outMean);
  mod.free(outStd);
}

/** What one crossing of the JS↔WASM boundary costs (1000 calls per op). */
function boundaryGroup(k: Backends, results: GroupResult[]): void {
  const mod = k.raw;
  const ex = mod.exports;
  const p = mod.alloc(64);
  mod.f64[p >> 3] = 1.5;
  const values = new Float64Array(1024).map((_, i) => 61_800 + i / 100);
  const CALLS = 1000;
  const variants: Variant[] = [
    {
      name: "js-loop",
      baseline: true,
      note: "the loop and the loads alone",
      run: () => {
        let acc = 0;
        for (let i = 0; i < CALLS; i++) acc += values[i & 1023]!;
        return acc;
      },
    },
    {
      name: "wasm-call-i32",
      note: "exports.ewm(p, 0, α, p): an export call that does no work, i32 result",
      run: () => {
        let acc = 0;
        for (let i = 0; i < CALLS; i++) acc += ex.ewm(p, 0, values[i & 1023]!, p);
        return acc;
      },
    },
    {
      name: "wasm-call-i64",
      note: "readOnce(p, 8) (the bench module's export): i64 result, converted to a BigInt",
      run: () => {
        let acc = 0;
        for (let i = 0; i < CALLS; i++) acc += k.readOnce(p, 8) === 0n ? 1 : 0;
        return acc;
      },
    },
  ];
  results.push(report(runGroup({ group: "boundary", params: { callsPerOp: CALLS }, elements: CALLS, unit: "call", variants }, options)));
  mod.free(p);
}

// ---------------------------------------------------------------------------------
// Targets from the issue

interface Target {
  readonly target: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly measured: number;
  readonly required: string;
  readonly met: boolean;
  readonly detail: string;
}

function bestJs(g: GroupResult): { name: string; ns: number } {
  const twin = medianOf(g, "js-twin"),
    best = medianOf(g, "js-best");
  return twin <= best ? { name: "js-twin", ns: twin } : { name: "js-best", ns: best };
}

function evaluateTargets(results: GroupResult[]): Target[] {
  const targets: Target[] = [];
  for (const g of results) {
    if (g.group === "volumeDelta" || g.group === "bookImbalanceBatch") {
      const size = Number(g.params.n ?? g.params.M);
      if (size < 1e4) continue;
      const wasm = medianOf(g, "wasm-simd"),
        floor = medianOf(g, "floor-read-once");
      const js = bestJs(g);
      targets.push({
        target: `${g.group}: WASM SIMD ≥ 4× best JS`,
        params: g.params,
        measured: js.ns / wasm,
        required: "≥ 4",
        met: js.ns / wasm >= 4,
        detail: `best JS = ${js.name} ${js.ns.toFixed(0)} ns, wasm-simd ${wasm.toFixed(0)} ns`,
      });
      targets.push({
        target: `${g.group}: WASM SIMD within 1.5× of the read-once floor`,
        params: g.params,
        measured: wasm / floor,
        required: "≤ 1.5",
        met: wasm / floor <= 1.5,
        detail: `wasm-simd ${wasm.toFixed(0)} ns, floor ${floor.toFixed(0)} ns`,
      });
    }
    if (g.group === "rollingStatsPerTick") {
      const wasm = medianOf(g, "wasm-simd"),
        twin = medianOf(g, "js-twin");
      targets.push({
        target: "rolling stats per tick: WASM ≥ 1.3× JS twin",
        params: g.params,
        measured: twin / wasm,
        required: "≥ 1.3",
        met: twin / wasm >= 1.3,
        detail: `js-twin ${(twin / g.elements).toFixed(2)} ns/tick, wasm ${(wasm / g.elements).toFixed(2)} ns/tick`,
      });
      if (g.params.window === 1000) {
        const ts = Math.min(medianOf(g, "trading-signals-SMA+SD"), medianOf(g, "trading-signals-BBANDS"));
        targets.push({
          target: "rolling stats per tick: WASM ≥ 20× trading-signals (fastest of its SMA+SD paths)",
          params: g.params,
          measured: ts / wasm,
          required: "≥ 20",
          met: ts / wasm >= 20,
          detail: `trading-signals ${(ts / g.elements).toFixed(1)} ns/tick, wasm ${(wasm / g.elements).toFixed(2)} ns/tick`,
        });
      }
    }
  }
  return targets;
}

// ---------------------------------------------------------------------------------

function report(g: GroupResult): GroupResult {
  console.log(`${formatGroup(g)}\n`);
  return g;
}

async function main(): Promise<void> {
  selfCheckValidation();
  const raw = await loadWasm();
  const k: Backends = {
    simd: await loadKernels(),
    scalar: await loadKernels({ forceScalar: true }),
    js: jsKernels(),
    raw,
    readOnce: await loadReadOnce(raw),
  };
  if (k.simd.backend !== "wasm-simd" || k.scalar.backend !== "wasm" || !k.raw.simd) throw new Error("SIMD build not loaded");
  const started = Date.now();
  const meta = {
    ...machineMeta(`node ${[relative(process.cwd(), process.argv[1] ?? ""), ...args].join(" ")}`),
    options,
  };
  console.log(`kernels bench — ${meta.date} — ${meta.cpu} — Node ${meta.node}${quick ? " — QUICK (smoke run, not for claims)" : ""}`);
  console.log(
    `load average at start: ${meta.loadavgStart.join(" ")} (${meta.cores} cores)${meta.loadavgStart[0]! > 1 ? " — the machine is busy: expect noise" : ""}\n`,
  );

  const results: GroupResult[] = [];
  if (only.includes("boundary")) boundaryGroup(k, results);
  if (only.includes("vd")) volumeDeltaGroups(k, results);
  if (only.includes("imb")) bookImbalanceGroups(k, results);
  if (only.includes("ofi")) orderFlowGroups(k, results);
  if (only.includes("roll")) rollingStatsGroups(k, results);

  const targets = evaluateTargets(results);
  console.log("targets");
  for (const t of targets) {
    const params = Object.entries(t.params)
      .map(([a, b]) => `${a}=${b}`)
      .join(" ");
    console.log(`  ${t.met ? "MET   " : "MISSED"} ${t.target} [${params}]: ${t.measured.toFixed(2)} (${t.required}; ${t.detail})`);
  }
  const seconds = (Date.now() - started) / 1000;
  const loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(`\n${results.length} groups in ${seconds.toFixed(0)} s; load average at end ${loadavgEnd.join(" ")}; sink ${sinkResult()}`);

  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify({ meta: { ...meta, loadavgEnd, seconds }, results, targets, sink: sinkResult() }, null, 2)}\n`);
  const mdPath = `${outPath.replace(/\.json$/, "")}.md`;
  const targetLines = targets.map((t) => {
    const params = Object.entries(t.params)
      .map(([a, b]) => `${a}=${b}`)
      .join(", ");
    return `| ${t.target} | ${params} | ${t.measured.toFixed(2)} | ${t.required} | ${t.met ? "met" : "**missed**"} | ${t.detail} |`;
  });
  writeFileSync(
    mdPath,
    [
      ...reportHeader("bench/kernels.bench.ts", meta, loadavgEnd, seconds),
      ...results.flatMap((g) => [formatGroupMarkdown(g), ""]),
      "| target | params | measured | required | result | detail |",
      "|---|---|---:|---|---|---|",
      ...targetLines,
      "",
    ].join("\n"),
  );
  console.log(`wrote ${outPath} and ${mdPath}`);
}

await main();
