/**
 * One row of a market-data CSV (tardis.dev, Binance public data): its fields, and each
 * field read strictly — a decimal is digits with an optional fraction and exponent, an
 * id an integer in [0, 2^53), a time digits in µs or ms — with a FeedDecodeError naming
 * the column and what it should have held. A row a trader's file got wrong is a counted
 * rejection with its line number, never a NaN that reaches a score.
 */
import { FeedDecodeError } from "../../errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const DECIMAL = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;
const INTEGER = /^[0-9]{1,16}$/;

/** The comma-separated fields of bytes [start, end) of `b` (CSV files of market data quote nothing). */
export function csvFields(b: Uint8Array, start: number, end: number): string[] {
  let text: string;
  try {
    text = utf8.decode(b.subarray(start, end));
  } catch {
    throw new FeedDecodeError("invalid-field", "the line is not valid UTF-8", "a CSV row of UTF-8 text");
  }
  return text.split(",");
}

/** The row's fields, checked to be `count` (or one of `counts`) in number. */
export function checkColumns(fields: readonly string[], counts: readonly number[], header: string): void {
  if (!counts.includes(fields.length))
    throw new FeedDecodeError(
      "missing-field",
      `a row of ${fields.length} column${fields.length === 1 ? "" : "s"}`,
      `${counts.join(" or ")} columns: ${header}`,
    );
}

function present(text: string, column: string, expected: string): string {
  if (text === "") throw new FeedDecodeError("missing-field", `column ${column} is empty`, expected);
  return text;
}

function decimal(text: string, column: string, expected: string): number {
  if (!DECIMAL.test(present(text, column, expected)))
    throw new FeedDecodeError("invalid-field", `column ${column} = ${JSON.stringify(text.slice(0, 40))}`, expected);
  const x = Number(text);
  if (!Number.isFinite(x)) throw new FeedDecodeError("non-finite", `column ${column} = ${text.slice(0, 40)}`, "a finite number");
  return x;
}

/** A price: a decimal > 0. */
export function csvPrice(text: string, column: string): number {
  const x = decimal(text, column, "a decimal price");
  if (!(x > 0)) throw new FeedDecodeError("non-positive-price", `column ${column} = ${x}`, "a price > 0");
  return x;
}

/** A quantity: a decimal ≥ 0 (0 removes a book level). */
export function csvQty(text: string, column: string): number {
  const x = decimal(text, column, "a decimal quantity");
  if (x < 0 || Object.is(x, -0)) throw new FeedDecodeError("negative-qty", `column ${column} = ${text}`, "a quantity ≥ 0");
  return x;
}

/** An id: an integer in [0, 2^53). */
export function csvId(text: string, column: string): number {
  const expected = "an integer id in [0, 2^53)";
  if (!INTEGER.test(present(text, column, expected)) || !Number.isSafeInteger(Number(text)))
    throw new FeedDecodeError("invalid-field", `column ${column} = ${JSON.stringify(text.slice(0, 40))}`, expected);
  return Number(text);
}

/**
 * A time in µs since the epoch (tardis.dev), or in ms or µs told apart by magnitude
 * (Binance public data: spot files switched from ms to µs in 2025) when `unit` is "auto":
 * above 10^14 it is µs (10^14 ms is the year 5138). Returned in ms, sub-ms digits kept
 * (an integer below 2^53 divided by 1000: the correctly rounded value).
 */
export function csvTime(text: string, column: string, unit: "us" | "auto"): number {
  const expected = unit === "us" ? "a time in µs since the epoch" : "a time in ms or µs since the epoch";
  if (!INTEGER.test(present(text, column, expected)))
    throw new FeedDecodeError("bad-timestamp", `column ${column} = ${JSON.stringify(text.slice(0, 40))}`, expected);
  const t = Number(text);
  return unit === "us" || t > 1e14 ? t / 1000 : t;
}

/** A boolean as the CSV writers spell it: true/false in any case (Binance spot writes True/False). */
export function csvBool(text: string, column: string): boolean {
  const lower = text.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new FeedDecodeError("invalid-field", `column ${column} = ${JSON.stringify(text.slice(0, 40))}`, "true or false");
}

/** A symbol: not empty. */
export function csvSymbol(text: string, column: string): string {
  if (text === "") throw new FeedDecodeError("empty-symbol", `column ${column} is empty`, "a symbol");
  return text;
}
