/**
 * The Math functions that are not correctly rounded (Math.sqrt, abs, floor, … are exact): their
 * last bit may differ between JavaScript engines and versions. The host-Math scanner
 * (hostMath.ts) looks for them in the library's source; perturbMath.mjs puts them one ulp off.
 */
export const HOST_TRANSCENDENTALS = [
  "exp",
  "expm1",
  "log",
  "log1p",
  "log2",
  "log10",
  "pow",
  "tanh",
  "sinh",
  "cosh",
  "asinh",
  "acosh",
  "atanh",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
  "atan2",
  "cbrt",
  "hypot",
];
