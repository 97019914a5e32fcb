/**
 * Retry delays for the live connection: exponential backoff with jitter (so that many
 * clients dropped at once do not all come back in the same instant, AWS's "Exponential
 * Backoff and Jitter"), and the `Retry-After` header Binance sends with a 429 (request
 * weight exceeded) or a 418 (IP banned for repeating it): a client that retries sooner
 * is banned for longer (Binance API docs, "LIMITS"). Browser-safe.
 */

/** The delay before retry number `attempt` (0-based): initial·2^attempt capped at max, scaled by a jitter in [0.5, 1). */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, initialMs * (1 << Math.min(attempt, 30)));
  return base * (0.5 + random() / 2);
}

/**
 * A `Retry-After` header in ms: delta-seconds ("120") or an HTTP date; null when absent or
 * unreadable. `nowMs` is the clock an HTTP date is measured against.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
}
