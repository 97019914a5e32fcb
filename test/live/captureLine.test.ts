/**
 * Recording what the live connection delivers: captureLine's lines parse back (CaptureParser)
 * to the same events, snapshots of several symbols each with its own symbol (the bare REST
 * snapshot would take the latest diff's); the @depthSnapshot envelope in the decoder; and
 * connectBinance's typed errors for bad options.
 */
import { describe, expect, test } from "vitest";
import { DuplicateSymbolError, FeedDecodeError, InvalidParameterError } from "../../src/errors.js";
import { decodeBinanceMessage } from "../../src/feeds/binance.js";
import { CaptureParser } from "../../src/feeds/capture.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { connectBinance, type RawMessage } from "../../src/live/binanceConnection.js";
import { captureLine } from "../../src/live/captureLine.js";

const ETH_DIFF = `{"stream":"ethusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255308,"s":"ETHUSDT","U":35346513499,"u":35346513505,"b":[["2683.80000000","3.02920000"]],"a":[]}}`;
const BTC_DIFF = `{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[],"a":[["61837.64000000","1.54698000"]]}}`;
const ETH_SNAPSHOT = `{"lastUpdateId":35346513512,"bids":[["2683.80000000","3.02920000"]],"asks":[["2683.81000000","31.43950000"]]}`;
const PRETTY_SNAPSHOT = `{\n  "lastUpdateId": 50093239218,\r\n  "bids": [["61837.63000000", "3.78826000"]],\n  "asks": [["61837.64000000", "1.54698000"]]\n}`;

function parse(lines: readonly string[]): MarketEvent[] {
  const events: MarketEvent[] = [];
  const parser = new CaptureParser((e) => events.push(e));
  parser.startFile("recording");
  parser.push(new TextEncoder().encode(`${lines.join("\n")}\n`));
  parser.end();
  expect(parser.rejected, JSON.stringify(parser.rejections)).toBe(0);
  return events;
}

describe("captureLine", () => {
  test("a recording of several symbols replays to the same events, each snapshot with its own symbol", () => {
    const raws: RawMessage[] = [
      { text: ETH_DIFF, receiveTimeNs: 1723161254036052868n, kind: "stream", symbol: "ETHUSDT" },
      { text: BTC_DIFF, receiveTimeNs: 1723161254036059768n, kind: "stream", symbol: "BTCUSDT" },
      { text: ETH_SNAPSHOT, receiveTimeNs: 1723161254152322667n, kind: "snapshot", symbol: "ETHUSDT" },
      { text: PRETTY_SNAPSHOT, receiveTimeNs: 1723161254206652067n, kind: "snapshot", symbol: "BTCUSDT" },
    ];
    const lines = raws.map(captureLine);
    expect(lines[2]).toBe(`1723161254152322667 {"stream":"ethusdt@depthSnapshot","data":${ETH_SNAPSHOT}}`);
    expect(
      lines.every((l) => !l.includes("\n") && !l.includes("\r")),
      "one line each",
    ).toBe(true);
    const events = parse(lines);
    const expected = raws.map((r) =>
      decodeBinanceMessage(r.text, Number(r.receiveTimeNs / 1_000_000n) + Number(r.receiveTimeNs % 1_000_000n) / 1e6, r.symbol),
    );
    expect(events).toEqual(expected);
    expect(events.map((e) => e.symbol)).toEqual(["ETHUSDT", "BTCUSDT", "ETHUSDT", "BTCUSDT"]);
    // the bare snapshot after a BTCUSDT diff would have been filed under BTCUSDT
    expect(parse([lines[0]!, lines[1]!, `1723161254152322667 ${ETH_SNAPSHOT}`])[2]!.symbol).toBe("BTCUSDT");
  });

  test("the @depthSnapshot envelope: the stream names the symbol; a bad one is a typed error", () => {
    const e = decodeBinanceMessage(`{"stream":"ethusd_perp@depthSnapshot","data":${ETH_SNAPSHOT}}`, 1, null);
    expect(e).toMatchObject({ type: "snapshot", symbol: "ETHUSD_PERP", lastUpdateId: 35346513512 });
    const reason = (text: string): string => {
      try {
        decodeBinanceMessage(text, 1, null);
      } catch (err) {
        expect(err).toBeInstanceOf(FeedDecodeError);
        return (err as FeedDecodeError).reason;
      }
      return "accepted";
    };
    expect(reason(`{"stream":"@depthSnapshot","data":${ETH_SNAPSHOT}}`)).toBe("empty-symbol");
    expect(reason(`{"stream":"ethusdt@depthSnapshot","data":{"bids":[],"asks":[]}}`)).toBe("missing-field");
    expect(reason(`{"stream":"ethusdt@depthSnapshot","data":{"lastUpdateId":-1,"bids":[],"asks":[]}}`)).toBe("invalid-field");
  });
});

describe("connectBinance options", () => {
  const base = { symbols: ["BTCUSDT"], onEvent: () => undefined, webSocket: class {} as never, fetch: (() => undefined) as never };
  test.each([
    [{ symbols: [] }, InvalidParameterError, /symbols.*expected an array of 1 to 300/],
    [{ symbols: ["BTC/USDT"] }, InvalidParameterError, /symbol = BTC\/USDT: expected letters, digits/],
    [{ symbols: ["BTCUSDT", "btcusdt"] }, DuplicateSymbolError, /BTCUSDT/],
    [{ depthSpeed: "0ms" }, InvalidParameterError, /0ms.*futures only/],
    [{ market: "usdm", snapshotLimit: 300 }, InvalidParameterError, /snapshotLimit = 300: expected 5, 10, 20, 50, 100, 500, 1000/],
    [{ snapshotLimit: 5001 }, InvalidParameterError, /snapshotLimit = 5001: expected an integer from 1 to 5000/],
    [{ staleMs: 0 }, InvalidParameterError, /staleMs = 0/],
    [{ reconnect: { initialMs: 100, maxMs: 10 } }, InvalidParameterError, /reconnect.maxMs = 10: expected at least/],
    [{ market: "margin" }, InvalidParameterError, /market = margin/],
    [{ webSocket: undefined }, InvalidParameterError, /WebSocket constructor/],
  ])("%j is refused with a typed error", (bad, type, message) => {
    const options = { ...base, ...bad } as Parameters<typeof connectBinance>[0];
    if ("webSocket" in bad && (globalThis as { WebSocket?: unknown }).WebSocket !== undefined) return;
    expect(() => connectBinance(options)).toThrow(type);
    expect(() => connectBinance(options)).toThrow(message);
  });
});
