/** What a poison message's failure is called: data (the library's typed errors) or bug (anything else), and a bounded reason whatever was thrown. */
import { expect, test } from "vitest";
import { describeFailure, MAX_REASON_LENGTH } from "../../src/cluster/entryFailure.js";
import { FeedDecodeError, InvalidValueError } from "../../src/index.js";

test("the library's typed errors are data; anything else is a bug", () => {
  expect(describeFailure(new InvalidValueError("price", 0, Infinity, "a finite price"))).toMatchObject({
    kind: "data",
    reason: expect.stringMatching(/^InvalidValueError: /),
  });
  expect(describeFailure(new FeedDecodeError("invalid-field", "p", "a number"))).toMatchObject({ kind: "data" });
  expect(describeFailure(new TypeError("x is undefined"))).toEqual({ kind: "bug", reason: "TypeError: x is undefined" });
  expect(describeFailure(new WebAssembly.RuntimeError("unreachable"))).toEqual({ kind: "bug", reason: "RuntimeError: unreachable" });
  expect(describeFailure("a string")).toEqual({ kind: "bug", reason: "thrown value: a string" });
});

test("whatever is thrown, describing it does not throw, and the reason is bounded", () => {
  const hostile = {
    toString(): string {
      throw new Error("no");
    },
  };
  expect(describeFailure(hostile)).toEqual({ kind: "bug", reason: "thrown value that cannot be shown" });
  const proxy = new Proxy(
    {},
    {
      getPrototypeOf(): never {
        throw new Error("no prototype");
      },
    },
  );
  expect(describeFailure(proxy).kind).toBe("bug");
  const long = describeFailure(new Error("x".repeat(10_000))).reason;
  expect(long.length, "cut to the bound").toBe(MAX_REASON_LENGTH);
  expect(long.endsWith("…"), "marked as cut").toBe(true);
});
