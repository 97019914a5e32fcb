/**
 * `publish` in bounded memory (issue 15): the reader waits for Redis once `maxInFlight` events
 * are held (queued or unconfirmed), so the events held never exceed the bound by more than one
 * chunk of input, whatever the capture's size — and the streams hold exactly what an unbounded
 * publication writes, in order. A producer that cannot wait (a live feed) is cut off at twice
 * the bound, and what the bound turns away is counted. On a real redis-server.
 */
import { describe, expect, test } from "vitest";
import type { Redis } from "ioredis";
import { inputKey } from "../../src/cluster/keys.js";
import { publishCaptures, StreamPublisher } from "../../src/cluster/publisher.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { encodeEvent } from "../../src/feeds/wire.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { BTCUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { spawnCli } from "../support/cluster.js";
import { redisSuite } from "./redisSuite.js";

let redis: Redis;
let url: string;
redisSuite((server, client) => {
  redis = client;
  url = server.url;
});

/** Every entry's `e` field of a symbol's input stream, in order. */
async function streamTexts(symbol: string): Promise<string[]> {
  const entries = await redis.xrange(inputKey(symbol), "-", "+");
  return entries.map(([, fields]) => fields[fields.indexOf("e") + 1]!);
}

describe("publish holds at most maxInFlight events (plus one chunk of input)", () => {
  test("USD-M ETHUSDT, 74,655 events, with 500 in flight: the stream is the capture's events in order, and the peak held stayed bounded", async () => {
    // the capture's events, and the most of them one chunk of input holds (the reader waits between chunks)
    const expected: string[] = [];
    let chunk = 0,
      maxChunk = 0;
    const onEvent = (e: MarketEvent): void => {
      expected.push(encodeEvent(e));
      chunk++;
    };
    await replayCaptureFiles([USDM_ETHUSDT], onEvent, {
      drain: () => {
        maxChunk = Math.max(maxChunk, chunk);
        chunk = 0;
        return null;
      },
    });
    const r = await publishCaptures(redis, [USDM_ETHUSDT], { batch: 100, maxInFlight: 500 });
    expect(r.events).toBe(expected.length);
    expect(r.events).toBe(74_655);
    expect(await streamTexts("ETHUSDT"), "the same entries as the capture, in its order").toEqual(expected);
    expect(r.peakHeld, `the events held at once (a chunk holds up to ${maxChunk})`).toBeLessThanOrEqual(500 + maxChunk);
    expect(maxChunk, "a chunk is a small part of the capture").toBeLessThan(expected.length / 10);
    expect(r.peakHeld, "the bound was reached: the reader did wait").toBeGreaterThanOrEqual(500);
  }, 60_000);

  test("a live producer, which cannot wait, is cut off at twice the bound; what is dropped is counted, what is kept is published", async () => {
    const events: MarketEvent[] = [];
    await replayCaptureFiles([BTCUSDT], (e: MarketEvent) => {
      if (events.length < 100) events.push(e);
    });
    const p = new StreamPublisher(redis, { batch: 5, maxInFlight: 10, live: true });
    expect(p.maxHeld).toBe(20);
    // no await between the pushes: no reply can arrive, nothing is confirmed
    for (const e of events) p.push(e);
    expect([p.events, p.overflowed, p.held, p.peakHeld]).toEqual([20, 80, 20, 20]);
    await p.flush();
    expect(p.held).toBe(0);
    expect(await streamTexts("BTCUSDT"), "the first 20 events").toEqual(events.slice(0, 20).map(encodeEvent));
  });

  test("ready() lets a producer keep the bound: nothing is dropped", async () => {
    const events: MarketEvent[] = [];
    await replayCaptureFiles([BTCUSDT], (e: MarketEvent) => {
      if (events.length < 2_000) events.push(e);
    });
    const p = new StreamPublisher(redis, { batch: 7, maxInFlight: 50 });
    for (const e of events) {
      p.push(e);
      await p.ready();
    }
    await p.flush();
    expect([p.events, p.overflowed]).toEqual([2_000, 0]);
    expect(p.peakHeld, "one push past the bound at most").toBeLessThanOrEqual(51);
    expect(await streamTexts("BTCUSDT")).toEqual(events.map(encodeEvent));
  });

  test("typed errors for a bound out of range; the CLI flag is a usage error (exit 2)", async () => {
    expect(() => new StreamPublisher(redis, { maxInFlight: 0 })).toThrow("maxInFlight = 0: expected an integer from 1 to 10,000,000");
    expect(() => new StreamPublisher(redis, { maxInFlight: 1.5 })).toThrow("maxInFlight");
    const cli = spawnCli(["publish", "--redis", url, "--max-in-flight", "0", BTCUSDT]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr).toContain("--max-in-flight");
  });
});
