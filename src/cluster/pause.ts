/** An abortable wait: resolves after `ms`, or at once when `signal` aborts. Never rejects. */
import { setTimeout as sleep } from "node:timers/promises";

export const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  sleep(ms, undefined, { signal }).then(
    () => {},
    () => {},
  );
