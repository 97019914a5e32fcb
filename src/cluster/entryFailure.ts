/**
 * What a poison message's failure was, for its dead letter and the log. The engine counts
 * bad data as rejections and never throws for it, so anything thrown while an entry is
 * processed is a defect — but of two kinds a trader fixes differently:
 *  - "data": one of the library's typed errors (a ConfluenceError): some value in the
 *    entry was refused by a check that should have been a counted rejection — look at the
 *    entry (kept in the dead letter);
 *  - "bug": anything else (a TypeError, a WebAssembly trap, what a callback such as the
 *    engine's cache threw) — look at the code.
 * The reason is "Name: message", cut to MAX_REASON_LENGTH; nothing thrown can make
 * describing it throw.
 */
import { ConfluenceError } from "../errors.js";

export interface EntryFailure {
  readonly kind: "data" | "bug";
  readonly reason: string;
}

/** Longest reason kept (an error message can quote a whole event). */
export const MAX_REASON_LENGTH = 500;

export function describeFailure(thrown: unknown): EntryFailure {
  let reason: string,
    kind: EntryFailure["kind"] = "bug";
  try {
    reason = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : `thrown value: ${String(thrown)}`;
    if (thrown instanceof ConfluenceError) kind = "data";
  } catch {
    reason = "thrown value that cannot be shown";
  }
  if (reason.length > MAX_REASON_LENGTH) reason = `${reason.slice(0, MAX_REASON_LENGTH - 1)}…`;
  return { kind, reason };
}
