/**
 * Kernels on the real Binance captures in data/ (BTCUSDT and ETHUSDT spot,
 * 2024-08-08; see data/README.md), on every backend.
 */
import { describe, expect, test } from "vitest";
import { backends } from "../support/backends.js";
import { BTCUSDT, ETHUSDT, loadCapture } from "../support/capture.js";
import { expectClose, expectIdentical } from "../support/close.js";
import { refImbalance, refOfi, refRolling, refVolumeDelta } from "../support/reference.js";

const btc = await loadCapture(BTCUSDT);
const eth = await loadCapture(ETHUSDT);

describe.each(backends)("real captures on $backend", (k) => {
  test("BTCUSDT: 9,757 trades, buyer-initiated volume 96.65118, seller-initiated 115.38197 (data/README.md)", () => {
    expect(btc.trades.qty.length).toBe(9757);
    const vd = k.volumeDelta(btc.trades.qty, btc.trades.buyer);
    expectClose(vd.buyVolume, 96.65118, 1e-12, 0, "buy volume");
    expectClose(vd.sellVolume, 115.38197, 1e-12, 0, "sell volume");
    expectClose(vd.delta, 96.65118 - 115.38197, 1e-11, 0, "delta");
    expectClose(vd.imbalance, (96.65118 - 115.38197) / (96.65118 + 115.38197), 1e-11, 0, "imbalance");
  });

  test.each([
    ["BTCUSDT", btc],
    ["ETHUSDT", eth],
  ] as const)("%s: volume delta matches an exact recount", (_, cap) => {
    const vd = k.volumeDelta(cap.trades.qty, cap.trades.buyer);
    const ref = refVolumeDelta(cap.trades.qty, cap.trades.buyer);
    expectClose(vd.buyVolume, ref.buyVolume, 1e-12, 0, "buy");
    expectClose(vd.sellVolume, ref.sellVolume, 1e-12, 0, "sell");
  });

  test.each([
    ["BTCUSDT", btc],
    ["ETHUSDT", eth],
  ] as const)("%s: snapshot imbalance at depths 1, 5, 20, 1000 and microprice", (_, cap) => {
    const { bidQty, askQty, bidPx, askPx } = cap.snapshot;
    expect(bidQty.length, "snapshot levels a side").toBe(1000);
    for (const depth of [1, 5, 20, 1000]) {
      expectClose(k.bookImbalance(bidQty, askQty, depth), refImbalance(bidQty, askQty, 1, depth)[0]!, 1e-12, 1e-15, `plain depth ${depth}`);
      const w = Array.from({ length: depth }, (_, i) => Math.exp(-0.5 * i));
      expectClose(
        k.depthWeightedImbalance(bidQty, askQty, depth, 0.5),
        refImbalance(bidQty, askQty, 1, depth, w)[0]!,
        1e-12,
        1e-15,
        `weighted depth ${depth}`,
      );
    }
    const mp = k.microprice(bidPx[0]!, bidQty[0]!, askPx[0]!, askQty[0]!);
    expect(mp, "microprice lies inside the spread").toBeGreaterThanOrEqual(bidPx[0]!);
    expect(mp).toBeLessThanOrEqual(askPx[0]!);
  });

  test("BTCUSDT: order-flow imbalance over every bookTicker quote", () => {
    const { bidPx, bidQty, askPx, askQty } = btc.quotes;
    expect(bidPx.length).toBe(28040);
    const e = k.orderFlowImbalance(bidPx, bidQty, askPx, askQty);
    expectIdentical(e, refOfi(bidPx, bidQty, askPx, askQty), "e");
    const rolling = k.rollingOrderFlowImbalance(bidPx, bidQty, askPx, askQty, 100);
    const win = k.orderFlowWindow(100);
    for (let i = 0; i < bidPx.length; i++) win.push(bidPx[i]!, bidQty[i]!, askPx[i]!, askQty[i]!);
    expect(win.sum, "streaming sum equals the batch's last value").toBe(rolling[rolling.length - 1]);
    win.dispose();
  });

  test("BTCUSDT: rolling statistics of trade prices (window 50) against the naive reference", () => {
    const prices = btc.trades.price;
    const r = k.rolling(prices, 50);
    const ref = refRolling(prices.subarray(0, 2000), 50);
    for (let i = 49; i < 2000; i++) {
      expectClose(r.mean[i]!, ref.mean[i]!, 1e-12, 0, `mean[${i}]`);
      expectClose(r.std[i]!, ref.std[i]!, 1e-9, 0, `std[${i}]`);
      expectClose(r.rank[i]!, ref.rank[i]!, 1e-15, 0, `rank[${i}]`);
      expect(r.min[i]).toBe(ref.min[i]);
    }
  });
});
