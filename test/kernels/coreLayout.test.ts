/**
 * The confluence core's output slots are written by the AssemblyScript core and read by
 * the TypeScript side, from two files (the declaration build cannot reach into
 * assembly/): they must say the same thing, name for name and value for value.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import * as O from "../../src/kernels/coreLayout.js";

const constants = (path: string): string[] =>
  readFileSync(new URL(`../../${path}`, import.meta.url), "utf8").split("\n").filter((l) => l.startsWith("export const")).map((l) => l.trim());

test("src/kernels/coreLayout.ts declares exactly the slots of assembly/confluence/layout.ts", () => {
  const as = constants("assembly/confluence/layout.ts");
  expect(as.length).toBeGreaterThan(30);
  expect(constants("src/kernels/coreLayout.ts")).toEqual(as);
  expect(Object.keys(O).length, "every declared slot is exported").toBe(as.length);
});
