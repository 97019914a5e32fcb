/**
 * The three bounded maps the confluence core builds its signals from, twin of
 * assembly/confluence/bounded.ts: squash (any real into (−1, 1)), agree (how close two
 * readings in [−1, 1] are) and clamp.
 */

/** x/(1 + |x|). */
export const squash = (x: number): number => x / (1 + Math.abs(x));

/** 1 − |a − b|/2, never below 0 (a reading a rounding error outside [−1, 1] cannot make it negative). */
export const agree = (a: number, b: number): number => {
  const d = 1 - Math.abs(a - b) * 0.5;
  return d < 0 ? 0 : d;
};

export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
