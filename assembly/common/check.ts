/**
 * Input validation folded into a kernel's own pass at almost no cost.
 *
 * Kernels that read quantities or prices (all of which must be finite and ≥ 0) return
 * a `check` value:
 *   NaN  some value was ±∞ or NaN, or a sum or product overflowed;
 *   −1   otherwise, some value had its sign bit set (negative or −0);
 *   0    every value read was finite with a clear sign bit.
 * Sign bits are OR-ed together (one bitwise op per vector, off the critical path);
 * non-finite values are caught by the sums the kernel computes anyway (t − t is 0
 * for a finite t and NaN otherwise). A caller that gets anything but 0 rescans to name
 * the offending element; −0 alone is accepted on that rescan, and an overflow with no
 * bad element is reported as such (NaN takes precedence so −0 cannot hide it).
 */

/** NaN if `finite` is NaN, else −1 if `signs` (the OR of the values' bits) has the sign bit, else 0. */
// @ts-ignore: decorator
@inline export function checkResultScalar(signs: i64, finite: f64): f64 {
  return finite != finite ? finite : signs < 0 ? -1.0 : 0.0;
}

/** 0 for a finite t, NaN otherwise. */
// @ts-ignore: decorator
@inline export function finiteness(t: f64): f64 {
  return t - t;
}
