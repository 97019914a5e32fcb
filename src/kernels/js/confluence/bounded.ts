/**
 * The three bounded maps the confluence core builds its signals from, twin of
 * assembly/confluence/bounded.ts: squash (any real into (−1, 1)), agree (how close two
 * readings in [−1, 1] are) and clamp.
 */

/** x/(1 + |x|). */
export const squash = (x: number): number => x / (1 + Math.abs(x));

/** 1 − |a − b|/2. */
export const agree = (a: number, b: number): number => 1 - Math.abs(a - b) * 0.5;

export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
