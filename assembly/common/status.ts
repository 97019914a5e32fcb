/**
 * Status codes returned by kernels that validate their input in the same pass
 * that computes (so validation costs no extra read of the data). The TypeScript
 * boundary turns a non-zero status into a typed error.
 */
export const OK: i32 = 0;
/** A value is NaN or ±Infinity. */
export const NOT_FINITE: i32 = 1;
/** A quantity is negative. */
export const NEGATIVE: i32 = 2;
/** A timestamp is older than the previous one. */
export const OUT_OF_ORDER: i32 = 3;
/** A fixed-capacity window has no room left for an entry that is still inside its span. */
export const CAPACITY_EXCEEDED: i32 = 4;
