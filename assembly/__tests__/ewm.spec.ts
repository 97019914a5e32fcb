/**
 * stats/ewm.ts: pandas ewm(alpha, adjust=False).mean(): y0 = x0,
 * y = (1 − α)·y + α·x. Returns −1, or the index of the first non-finite value
 * (nothing from that index on is written). No SIMD path (serial recurrence).
 */
import { ewm } from "../stats/ewm";
import { f64s, filled, eqAll } from "./helpers";

function run(values: f64[], alpha: f64, out: usize): i32 {
  return ewm(f64s(values), values.length, alpha, out);
}

// The recurrence on hand-checked values.
describe("ewm: values", () => {
  it("α = 0.5 (span 3: 2/(3+1)) over [1,2,3,4] → [1, 1.5, 2.25, 3.125]", () => {
    const out = filled(4, 99);
    expect<i32>(run([1, 2, 3, 4], 2.0 / (3 + 1), out)).toBe(-1);
    eqAll(out, [1, 1.5, 2.25, 3.125]);
  });

  it("α = 0.25 over [4, 8, 0] → [4, 0.75·4 + 0.25·8 = 5, 0.75·5 = 3.75]", () => {
    const out = filled(3, 99);
    expect<i32>(run([4, 8, 0], 0.25, out)).toBe(-1);
    eqAll(out, [4, 5, 3.75]);
  });

  it("α = 1 copies the input; α = 0 holds the first value", () => {
    const a = filled(4, 99), b = filled(4, 99);
    run([3, -1, 7, 2], 1, a);
    run([3, -1, 7, 2], 0, b);
    eqAll(a, [3, -1, 7, 2], "α = 1");
    eqAll(b, [3, 3, 3, 3], "α = 0");
  });

  it("n = 1 → [x0]; n = 0 → −1 and nothing written", () => {
    const one = filled(2, 99);
    expect<i32>(run([42], 0.3, one)).toBe(-1);
    eqAll(one, [42, 99]);
    const none = filled(1, 99);
    expect<i32>(ewm(f64s([]), 0, 0.5, none)).toBe(-1);
    eqAll(none, [99]);
  });
});

// Non-finite input: index returned, output stops there.
describe("ewm: non-finite input", () => {
  it("NaN at index 2 → 2; out = [1, 1.5, untouched, untouched]", () => {
    const out = filled(4, 99);
    expect<i32>(run([1, 2, NaN, 4], 0.5, out)).toBe(2);
    eqAll(out, [1, 1.5, 99, 99]);
  });

  it("+Infinity at index 0 → 0 (nothing written); −Infinity at index 3 → 3", () => {
    const a = filled(2, 99);
    expect<i32>(run([Infinity, 1], 0.5, a)).toBe(0);
    eqAll(a, [99, 99]);
    const b = filled(4, 99);
    expect<i32>(run([1, 2, 3, -Infinity], 0.5, b)).toBe(3);
    eqAll(b, [1, 1.5, 2.25, 99]);
  });
});
