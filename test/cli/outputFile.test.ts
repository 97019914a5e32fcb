/**
 * OutputFile (--out, --report): all or nothing. A discard with writes still pending leaves
 * no file and raises nothing (it killed the CLI with an unhandled 'error' event when a
 * truncated capture ended a replay mid-write); a commit puts exactly what was written in place.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { OutputFile } from "../../src/cli/outputFile.js";

const dir = mkdtempSync(join(tmpdir(), "confluence-outputfile-"));
const line = `${"x".repeat(1023)}\n`;

describe("OutputFile", () => {
  test("discard with many writes in flight: no error, no file, an earlier file intact", async () => {
    const path = join(dir, "out.jsonl");
    writeFileSync(path, "earlier\n");
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on("uncaughtException", onError);
    try {
      for (let round = 0; round < 20; round++) {
        const file = await OutputFile.open(path, "--out");
        for (let i = 0; i < 2000; i++) file.write(line);
        await new Promise((r) => setImmediate(r)); // let the first write reach the file system
        await file.discard();
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(errors).toEqual([]);
    expect(readFileSync(path, "utf8")).toBe("earlier\n");
    expect(readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });

  test("commit puts every write in place", async () => {
    const path = join(dir, "whole.jsonl");
    const file = await OutputFile.open(path, "--out");
    for (let i = 0; i < 3000; i++) file.write(line);
    await file.commit();
    expect(readFileSync(path, "utf8")).toBe(line.repeat(3000));
    expect(existsSync(join(dir, `.whole.jsonl.${process.pid}.partial`))).toBe(false);
  });
});
