/**
 * flow/volumeDeltaWindow.ts: streaming volume delta over the last `capacity` trades
 * (count mode, span = +Infinity) or over the trades with t > now − span (time mode),
 * with OUT_OF_ORDER / CAPACITY_EXCEEDED status codes and drift-free sliding sums.
 */
import {
  VolumeDeltaWindow, volumeWindowSize, volumeWindowInit, volumeWindowReset, volumeWindowPush, volumeWindowAdvance,
} from "../flow/volumeDeltaWindow";
import { OK, OUT_OF_ORDER, CAPACITY_EXCEEDED } from "../common/status";
import { alloc } from "../memory";
import { eq, bits, close, P53 } from "./helpers";

const B: i32 = 1, S: i32 = 0; // buyer flag: buyer-initiated (taker bought) / seller-initiated

function make(capacity: i32, span: f64): usize {
  const p = alloc(volumeWindowSize(capacity));
  volumeWindowInit(p, capacity, span);
  return p;
}

function st(p: usize): VolumeDeltaWindow {
  return changetype<VolumeDeltaWindow>(p);
}

function push(p: usize, qty: f64, buyer: i32, time: f64): i32 {
  return volumeWindowPush(p, qty, buyer, time);
}

/** buy, sell and count; delta = buy − sell and imbalance = delta / (buy + sell) follow. */
function check(p: usize, buy: f64, sell: f64, count: i32, what: string = ""): void {
  const s = st(p);
  eq(s.buy, buy, what + " buy");
  eq(s.sell, sell, what + " sell");
  eq(s.delta, buy - sell, what + " delta");
  eq(s.imbalance, buy + sell == 0 ? NaN : (buy - sell) / (buy + sell), what + " imbalance");
  eq(s.count, <f64>count, what + " count");
}

// Output layout the JS side reads (src/kernels/wasm/flow/volumeDeltaWindow.ts) and ring placement.
describe("volumeDeltaWindow: layout", () => {
  it("outputs at f64 slots 0..6: buy, sell, delta, imbalance, count, lastTime, firstTime", () => {
    expect<usize>(offsetof<VolumeDeltaWindow>("buy")).toBe(0);
    expect<usize>(offsetof<VolumeDeltaWindow>("sell")).toBe(8);
    expect<usize>(offsetof<VolumeDeltaWindow>("delta")).toBe(16);
    expect<usize>(offsetof<VolumeDeltaWindow>("imbalance")).toBe(24);
    expect<usize>(offsetof<VolumeDeltaWindow>("count")).toBe(32);
    expect<usize>(offsetof<VolumeDeltaWindow>("lastTime")).toBe(40);
    expect<usize>(offsetof<VolumeDeltaWindow>("firstTime")).toBe(48);
  });

  it("rings sit after the header, 16-aligned, inside volumeWindowSize(capacity) bytes", () => {
    const cap = 5;
    const p = make(cap, Infinity);
    const s = st(p);
    expect<usize>(s.qtyRing).toBeGreaterThanOrEqual(p + offsetof<VolumeDeltaWindow>());
    expect<usize>(s.qtyRing & 15).toBe(0);
    expect<usize>(s.timeRing).toBe(s.qtyRing + 8 * cap);
    expect<usize>(s.sideRing).toBe(s.timeRing + 8 * cap);
    expect<usize>(s.sideRing + cap).toBeLessThanOrEqual(p + volumeWindowSize(cap));
  });
});

// Count mode: the last `capacity` trades; time never evicts.
describe("volumeDeltaWindow: count mode (span = +Infinity)", () => {
  it("starts empty: buy 0, sell 0, delta 0, imbalance NaN (0/0), count 0, times −Infinity", () => {
    const p = make(3, Infinity);
    check(p, 0, 0, 0);
    eq(st(p).lastTime, -Infinity, "lastTime");
    eq(st(p).firstTime, -Infinity, "firstTime");
  });

  it("fills then evicts the oldest trade (capacity 3)", () => {
    const p = make(3, Infinity);
    expect<i32>(push(p, 1, B, 1)).toBe(OK);
    check(p, 1, 0, 1, "[1b]");
    eq(st(p).firstTime, 1, "firstTime");
    expect<i32>(push(p, 2, S, 2)).toBe(OK);
    check(p, 1, 2, 2, "[1b 2s]: imbalance −1/3");
    expect<i32>(push(p, 3, B, 3)).toBe(OK);
    check(p, 4, 2, 3, "[1b 2s 3b]: imbalance 2/6");
    expect<i32>(push(p, 4, S, 4)).toBe(OK);
    check(p, 3, 6, 3, "1b evicted → [2s 3b 4s]");
    expect<i32>(push(p, 5, B, 5)).toBe(OK);
    check(p, 8, 4, 3, "2s evicted → [3b 4s 5b]");
    expect<i32>(push(p, 6, S, 5)).toBe(OK); // equal timestamp is in order
    check(p, 5, 10, 3, "3b evicted → [4s 5b 6s]");
    eq(st(p).lastTime, 5, "lastTime");
    eq(st(p).firstTime, 1, "firstTime stays at the first push");
  });

  it("advancing the clock evicts nothing in count mode (cutoff now − ∞ = −∞)", () => {
    const p = make(3, Infinity);
    push(p, 1, B, 1);
    push(p, 2, S, 2);
    expect<i32>(volumeWindowAdvance(p, 1e9)).toBe(OK);
    check(p, 1, 2, 2);
    eq(st(p).lastTime, 1e9, "lastTime");
  });

  it("count mode never answers CAPACITY_EXCEEDED: capacity 1 keeps only the newest trade", () => {
    const p = make(1, Infinity);
    for (let i = 1; i <= 5; i++) expect<i32>(push(p, <f64>i, i & 1, 0)).toBe(OK);
    check(p, 5, 0, 1, "only 5b left");
  });

  it("a side with no trade left is exactly 0 (0.1b 0.7b, then two sells evict both buys → buy +0, imbalance −1)", () => {
    const p = make(2, Infinity);
    push(p, 0.1, B, 0);
    push(p, 0.7, B, 1);
    push(p, 0.3, S, 2);
    push(p, 0.4, S, 3);
    bits(st(p).buy, 0, "buy");
    eq(st(p).imbalance, -1, "imbalance = (0 − s)/(0 + s)");
    eq(st(p).count, 2, "count");
  });

  it("OUT_OF_ORDER: a push older than the last time changes nothing", () => {
    const p = make(3, Infinity);
    push(p, 1, B, 5);
    expect<i32>(push(p, 2, S, 4.5)).toBe(OUT_OF_ORDER);
    check(p, 1, 0, 1);
    eq(st(p).lastTime, 5, "lastTime");
    expect<i32>(volumeWindowAdvance(p, 4)).toBe(OUT_OF_ORDER);
    eq(st(p).lastTime, 5, "lastTime after advance");
  });
});

// Compensated sliding sums (rebuilt from the ring when their error budget says so):
// a large trade leaving the window must not leave its rounding behind.
describe("volumeDeltaWindow: no drift after large trades leave", () => {
  it("[2^53b 1b 1b 1b] capacity 3: after 2^53 leaves, buy = 1 + 1 + 1 = 3 exactly (a plain running sum gives 1)", () => {
    const p = make(3, Infinity);
    push(p, P53, B, 0);
    push(p, 1, B, 1);
    push(p, 1, B, 2);
    push(p, 1, B, 3);
    bits(st(p).buy, 3, "buy");
    eq(st(p).count, 3, "count");
  });

  it("[1e16s 0.1s 0.2s 0.3s] capacity 3: after 1e16 leaves, sell = 0.1 + 0.2 + 0.3 within 2^-36 relative", () => {
    const p = make(3, Infinity);
    push(p, 1e16, S, 0);
    push(p, 0.1, S, 1);
    push(p, 0.2, S, 2);
    push(p, 0.3, S, 3);
    close(st(p).sell, 0.6, 1.5e-11, "sell");
    eq(st(p).buy, 0, "buy");
  });

  it("[0.248b 3.93e17b 0.231b] then three sells evict every buy: buy is +0 exactly (the compensated sum alone leaves −2.8e-17)", () => {
    const p = make(3, Infinity);
    push(p, 0.248, B, 0);
    push(p, 3.93e17, B, 1);
    push(p, 0.231, B, 2);
    push(p, 1, S, 3);
    push(p, 1, S, 4);
    push(p, 1, S, 5);
    bits(st(p).buy, 0, "buy");
    eq(st(p).imbalance, -1, "imbalance");
  });

  it("huge trades (up to 7e24) then small ones, capacity 3: buy = 0.246 + 0.019 + 0.338 within 2^-36 (without a rebuild the compensated sum is off by 2.7e-7 relative)", () => {
    const p = make(3, Infinity);
    const q: f64[] = [7.09e24, 5.01e23, 3.4e18, 4.27e22, 1.3e23, 0.027, 0.488, 2.08e19, 0.616, 0.246, 0.019, 0.338];
    for (let i = 0; i < q.length; i++) push(p, q[i], B, <f64>i);
    close(st(p).buy, 0.246 + 0.019 + 0.338, 1.5e-11, "buy");
  });

  it("5000 trades of mixed magnitude (a 1e9 trade every 97th) through capacity 7: buy/sell match a direct sum of the last 7 within 1e-10", () => {
    const cap = 7, total = 5000;
    const p = make(cap, Infinity);
    const qty = new StaticArray<f64>(total);
    const side = new StaticArray<i32>(total);
    for (let i = 0; i < total; i++) {
      qty[i] = <f64>((i * 7919) % 1000) * 0.001 + (i % 97 == 0 ? 1e9 : 0.0);
      side[i] = (i * 31) % 3 == 0 ? B : S;
      push(p, qty[i], side[i], <f64>i);
      if (i >= cap && (i % 13 == 0 || i > total - 10)) {
        let buy: f64 = 0, sell: f64 = 0;
        for (let j = i - cap + 1; j <= i; j++) {
          if (side[j]) buy += qty[j]; else sell += qty[j];
        }
        if (buy == 0) bits(st(p).buy, 0, "buy at " + i.toString());
        else close(st(p).buy, buy, 1e-10, "buy at " + i.toString());
        if (sell == 0) bits(st(p).sell, 0, "sell at " + i.toString());
        else close(st(p).sell, sell, 1e-10, "sell at " + i.toString());
      }
    }
  });
});

// Time mode: a trade at t is inside while t > now − span.
describe("volumeDeltaWindow: time mode (span 10)", () => {
  it("expiry by span on push and on advance, boundary t = now − span is out", () => {
    const p = make(4, 10);
    expect<i32>(push(p, 1, B, 0)).toBe(OK);
    expect<i32>(push(p, 2, S, 5)).toBe(OK);
    check(p, 1, 2, 2, "t0, t5");
    expect<i32>(push(p, 3, B, 10)).toBe(OK); // cutoff 10 − 10 = 0: t = 0 is not > 0
    check(p, 3, 2, 2, "t0 expired at now = 10");
    expect<i32>(volumeWindowAdvance(p, 15)).toBe(OK); // cutoff 5: t = 5 out
    check(p, 3, 0, 1, "t5 expired at now = 15");
    expect<i32>(volumeWindowAdvance(p, 19.5)).toBe(OK); // cutoff 9.5: t = 10 stays
    check(p, 3, 0, 1, "t10 still inside at now = 19.5");
    expect<i32>(volumeWindowAdvance(p, 20)).toBe(OK); // cutoff 10: t = 10 out
    check(p, 0, 0, 0, "empty at now = 20 (imbalance NaN)");
    eq(st(p).lastTime, 20, "lastTime");
  });

  it("OUT_OF_ORDER after an advance; equal time is accepted", () => {
    const p = make(4, 10);
    push(p, 1, B, 0);
    volumeWindowAdvance(p, 20);
    expect<i32>(push(p, 4, S, 19)).toBe(OUT_OF_ORDER);
    expect<i32>(volumeWindowAdvance(p, 19.9)).toBe(OUT_OF_ORDER);
    check(p, 0, 0, 0);
    eq(st(p).lastTime, 20, "lastTime unchanged");
    expect<i32>(push(p, 4, S, 20)).toBe(OK);
    check(p, 0, 4, 1);
  });

  it("CAPACITY_EXCEEDED when the ring is full of trades still inside the span (capacity 2)", () => {
    const p = make(2, 10);
    push(p, 1, B, 0);
    push(p, 2, S, 1);
    expect<i32>(push(p, 3, B, 9.5)).toBe(CAPACITY_EXCEEDED); // cutoff −0.5: both inside
    check(p, 1, 2, 2, "unchanged");
    eq(st(p).lastTime, 1, "lastTime unchanged");
    expect<i32>(push(p, 3, B, 10)).toBe(OK); // cutoff 0: t = 0 expires, room for one
    check(p, 3, 2, 2, "[2s@1 3b@10]");
    expect<i32>(push(p, 4, S, 10)).toBe(CAPACITY_EXCEEDED); // t = 1 and t = 10 still inside
    check(p, 3, 2, 2, "unchanged again");
  });

  it("ring wraps (capacity 3, span 2, one trade per time unit, qty t+1, buyer on even t)", () => {
    const p = make(3, 2);
    // window after each push holds t−1 and t
    const buys: f64[] = [1, 1, 3, 3, 5, 5];
    const sells: f64[] = [0, 2, 2, 4, 4, 6];
    for (let t = 0; t < 6; t++) {
      expect<i32>(push(p, <f64>(t + 1), (t & 1) == 0 ? B : S, <f64>t)).toBe(OK);
      check(p, buys[t], sells[t], t == 0 ? 1 : 2, "t=" + t.toString());
    }
  });

  it("advance alone can empty the window (span 1: t = 0 and t = 0.5 are out at now = 10)", () => {
    const p = make(2, 1);
    push(p, 1, B, 0);
    push(p, 2, S, 0.5);
    expect<i32>(volumeWindowAdvance(p, 10)).toBe(OK);
    check(p, 0, 0, 0);
  });

  it("advance expires only the aged-out part (span 1: t = 0 out, t = 0.5 in at now = 1.2)", () => {
    const p = make(2, 1);
    push(p, 1, B, 0);
    push(p, 2, S, 0.5);
    expect<i32>(volumeWindowAdvance(p, 1.2)).toBe(OK);
    check(p, 0, 2, 1);
  });
});

// firstTime/lastTime bookkeeping and reset.
describe("volumeDeltaWindow: firstTime and reset", () => {
  it("firstTime is the first push or advance since reset", () => {
    const p = make(3, 10);
    volumeWindowAdvance(p, 5);
    eq(st(p).firstTime, 5, "firstTime from advance");
    push(p, 1, B, 7);
    eq(st(p).firstTime, 5, "a later push keeps it");
    eq(st(p).lastTime, 7, "lastTime");
  });

  it("reset empties the window and forgets the clock but keeps capacity and span", () => {
    const p = make(2, 10);
    push(p, 1, B, 100);
    push(p, 2, S, 101);
    volumeWindowReset(p);
    check(p, 0, 0, 0, "after reset");
    eq(st(p).lastTime, -Infinity, "lastTime");
    eq(st(p).firstTime, -Infinity, "firstTime");
    expect<i32>(push(p, 3, B, 1)).toBe(OK); // earlier than before the reset: fine
    expect<i32>(push(p, 4, S, 2)).toBe(OK);
    expect<i32>(push(p, 5, S, 3)).toBe(CAPACITY_EXCEEDED); // still capacity 2, span 10
    check(p, 3, 4, 2);
    expect<i32>(push(p, 5, S, 11)).toBe(OK); // span 10 kept: t = 1 expires at now = 11
    check(p, 0, 9, 2);
  });
});
