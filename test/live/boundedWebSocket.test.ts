/**
 * Node's default WebSocket for the live connection bounds its frames: a frame over
 * MAX_FRAME_BYTES closes the connection (1009, message too big, to the server) instead of being held
 * in memory, and a frame at the bound still arrives whole. A real server on 127.0.0.1.
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { WebSocketServer } from "ws";
import { BoundedWebSocket, MAX_FRAME_BYTES } from "../../src/node/boundedWebSocket.js";

let server: WebSocketServer;
let url = "";

beforeAll(async () => {
  server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // each connection gets one frame of the size its path asks for
  server.on("connection", (socket, req) => socket.send("x".repeat(Number(req.url!.slice(1)))));
});

afterAll(async () => {
  for (const c of server.clients) c.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Connects asking for a frame of `bytes`; resolves with the frame's length, or the error that closed the connection. */
function receive(bytes: number): Promise<{ length?: number; error?: string }> {
  return new Promise((resolve) => {
    const ws = new BoundedWebSocket(`${url}/${bytes}`);
    let error: string | undefined;
    ws.on("message", (data: Buffer) => {
      resolve({ length: data.length });
      ws.close();
    });
    ws.on("error", (e: Error & { code?: string }) => {
      error = e.code;
    });
    ws.on("close", () => resolve(error === undefined ? {} : { error }));
  });
}

describe("BoundedWebSocket", () => {
  test("a frame at the bound arrives whole; one byte more closes the connection (1009 to the server), never held", async () => {
    expect(await receive(MAX_FRAME_BYTES)).toEqual({ length: MAX_FRAME_BYTES });
    expect(await receive(MAX_FRAME_BYTES + 1)).toEqual({ error: "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" });
  });
});
