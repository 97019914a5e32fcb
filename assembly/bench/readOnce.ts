/**
 * The memory-bound floor for benchmarks: reads `bytes` bytes at `p` once with v128
 * loads (scalar i64 loads in the scalar build) and folds them so the loads cannot be
 * eliminated. A kernel that reads the same bytes cannot be faster than this.
 */
export function readOnce(p: usize, bytes: i32): i64 {
  let i: i32 = 0;
  let acc: i64 = 0;
  if (ASC_FEATURE_SIMD) {
    let a = i64x2.splat(0), b = i64x2.splat(0);
    const blocks = bytes & ~31;
    for (; i < blocks; i += 32) {
      a = v128.xor(a, v128.load(p + <usize>i));
      b = v128.xor(b, v128.load(p + <usize>i, 16));
    }
    const c = v128.xor(a, b);
    acc = i64x2.extract_lane(c, 0) ^ i64x2.extract_lane(c, 1);
  } else {
    const blocks = bytes & ~7;
    for (; i < blocks; i += 8) acc ^= load<i64>(p + <usize>i);
  }
  for (; i < bytes; i++) acc ^= <i64>load<u8>(p + <usize>i);
  return acc;
}
