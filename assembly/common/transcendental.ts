/**
 * exp, expm1, log and tanh of our own, so a result that must be identical everywhere
 * never depends on the host's Math.exp/log/tanh (which are not correctly rounded and
 * differ in the last bit between JavaScript engines and their versions).
 *
 * To a trader: a depth weight or a squashed z-score is the same number in Node, in any
 * browser and in the WebAssembly module, so a replay reproduces the live run exactly.
 *
 * Algorithms: Sun's fdlibm as kept by musl (exp.c, expm1.c, log.c, scalbn.c before musl
 * 1.1.20, and tanh.c above |x| = log(3)/2): argument reduction by k·ln2 with ln2 split
 * in two, a fixed polynomial, and scaling by 2^k built from its bits; tanh below
 * log(3)/2 is its Taylor series (Abramowitz & Stegun 4.5.64). They use only +, −, ×, ÷
 * (correctly rounded in WebAssembly and in JavaScript), exact operations (bit
 * reinterpretation, truncation of small values) and constants, and no fused
 * multiply-add, so the JS twin (src/kernels/js/common/transcendental.ts), which repeats
 * every operation in the same order, gives the same bits.
 *
 * Accuracy against a 320-bit BigInt reference (test/kernels/transcendental.test.ts):
 * exp, expm1 and log < 1 ulp (fdlibm's bound; worst measured 0.85); tanh < 2 ulp (worst
 * measured 1.42, just above log(3)/2, where a rounding analysis of 1 − 2/(t + 2) with
 * t = expm1(2|x|) ≥ 2 known to < 1 ulp gives at most 0.5 + 1.5 ulp). Special values follow IEEE 754 / C99
 * Annex F: NaN → NaN; exp(+∞) = +∞, exp(−∞) = 0, overflow → +∞, underflow → a subnormal
 * (rounded once) or 0; log(±0) = −∞, log(x < 0) = NaN, log(+∞) = +∞; tanh(±0) = ±0,
 * tanh(±∞) = ±1.
 */

const LN2_HI: f64 = 6.93147180369123816490e-01; // 0x3fe62e42fee00000: k·LN2_HI is exact for |k| < 2^11
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3dea39ef35793c76
const INV_LN2: f64 = 1.44269504088896338700e+00; // 0x3ff71547652b82fe

// exp: R(r²) = r − (P1·r² + … + P5·r¹⁰) approximates r·(e^r + 1)/(e^r − 1) − 2 on |r| ≤ ln2/2
const P1: f64 = 1.66666666666666019037e-01; // 0x3fc555555555553e
const P2: f64 = -2.77777777770155933842e-03; // 0xbf66c16c16bebd93
const P3: f64 = 6.61375632143793436117e-05; // 0x3f11566aaf25de2c
const P4: f64 = -1.65339022054652515390e-06; // 0xbebbbd41c5d26bf1
const P5: f64 = 4.13813679705723846039e-08; // 0x3e66376972bea4d0

// expm1: scaled coefficients of R(z), z = r²/2
const Q1: f64 = -3.33333333333331316428e-02; // 0xbfa11111111110f4
const Q2: f64 = 1.58730158725481460165e-03; // 0x3f5a01a019fe5585
const Q3: f64 = -7.93650757867487942473e-05; // 0xbf14ce199eaadbb7
const Q4: f64 = 4.00821782732936239552e-06; // 0x3ed0cfca86e65239
const Q5: f64 = -2.01099218183624371326e-07; // 0xbe8afdb76e09c32d

// log: log(1 + f) = 2s + s·R(s²), s = f/(2 + f)
const LG1: f64 = 6.666666666666735130e-01; // 0x3fe5555555555593
const LG2: f64 = 3.999999999940941908e-01; // 0x3fd999999997fa04
const LG3: f64 = 2.857142874366239149e-01; // 0x3fd2492494229359
const LG4: f64 = 2.222219843214978396e-01; // 0x3fcc71c51d8e78af
const LG5: f64 = 1.818357216161805012e-01; // 0x3fc7466496cb03de
const LG6: f64 = 1.531383769920937332e-01; // 0x3fc39a09d078c69f
const LG7: f64 = 1.479819860511658591e-01; // 0x3fc2f112df3e5244

// tanh, |x| ≤ log(3)/2: Taylor coefficients of x^3 … x^39, 2^2n·(2^2n − 1)·B_2n/(2n)! (Abramowitz & Stegun 4.5.64), rounded to nearest
const T1: f64 = -0.3333333333333333; // −1/3
const T2: f64 = 0.13333333333333333; // 2/15
const T3: f64 = -0.05396825396825397; // −17/315
const T4: f64 = 0.021869488536155203; // 62/2835
const T5: f64 = -0.008863235529902197; // −1382/155925
const T6: f64 = 0.003592128036572481; // 21844/6081075
const T7: f64 = -0.0014558343870513183; // −929569/638512875
const T8: f64 = 0.000590027440945586; // 6404582/10854718875
const T9: f64 = -0.00023912911424355248; // −443861162/1856156927625
const T10: f64 = 9.691537956929451e-05; // 18888466084/194896477400625
const T11: f64 = -3.927832388331683e-05; // −113927491862/2900518163668125
const T12: f64 = 1.5918905069328964e-05; // 58870668456604/3698160658676859375
const T13: f64 = -6.451689215655431e-06;
const T14: f64 = 2.6147711512907546e-06;
const T15: f64 = -1.0597268320104654e-06;
const T16: f64 = 4.294911078273806e-07;
const T17: f64 = -1.7406618963571648e-07;
const T18: f64 = 7.054636946400968e-08;
const T19: f64 = -2.859136662305254e-08;

const EXP_OVERFLOW: f64 = 709.782712893383973096; // above: e^x > MAX_VALUE
const EXP_UNDERFLOW: f64 = -745.13321910194110842; // below: e^x < 2^-1075 (rounds to 0)

// @ts-ignore: decorator
@inline function highWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >> 32);
}

// @ts-ignore: decorator
@inline function lowWord(x: f64): u32 {
  return <u32>reinterpret<u64>(x);
}

// @ts-ignore: decorator
@inline function fromWords(hi: u32, lo: u32): f64 {
  return reinterpret<f64>((<u64>hi << 32) | <u64>lo);
}

/** 2^n for n in [−1022, 1023], from its bits. */
// @ts-ignore: decorator
@inline function pow2(n: i32): f64 {
  return fromWords(<u32>(0x3ff + n) << 20, 0);
}

/** x·2^n with one rounding (a subnormal result is rounded once, from a product by 2^(n ≥ −1022)). */
export function scalbn(x: f64, n: i32): f64 {
  let y = x;
  if (n > 1023) {
    y *= pow2(1023);
    n -= 1023;
    if (n > 1023) {
      y *= pow2(1023);
      n -= 1023;
      if (n > 1023) n = 1023;
    }
  } else if (n < -1022) {
    // 2^−969 = 2^−1022·2^53: the final n stays below −53, so the last product rounds once
    y *= pow2(-969);
    n += 969;
    if (n < -1022) {
      y *= pow2(-969);
      n += 969;
      if (n < -1022) n = -1022;
    }
  }
  return y * pow2(n);
}

/** e^x, error < 1 ulp. */
export function exp(x: f64): f64 {
  let hx = highWord(x);
  const sign = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x4086232b) { // |x| ≥ 708.39
    if (x != x) return x;
    if (x > EXP_OVERFLOW) return x * pow2(1023);
    if (x < EXP_UNDERFLOW) return 0;
  }
  let hi: f64, lo: f64, k: i32;
  if (hx > 0x3fd62e42) { // |x| > ln2/2: x = k·ln2 + r, |r| ≤ ln2/2
    if (hx >= 0x3ff0a2b2) k = <i32>(INV_LN2 * x + (sign != 0 ? -0.5 : 0.5)); // |x| ≥ 1.5·ln2
    else k = 1 - sign - sign;
    hi = x - <f64>k * LN2_HI;
    lo = <f64>k * LN2_LO;
    x = hi - lo;
  } else if (hx > 0x3e300000) { // |x| > 2^-28
    k = 0;
    hi = x;
    lo = 0;
  } else {
    return 1 + x;
  }
  const xx = x * x;
  const c = x - xx * (P1 + xx * (P2 + xx * (P3 + xx * (P4 + xx * P5))));
  const y = 1 + (x * c / (2 - c) - lo + hi);
  return k == 0 ? y : scalbn(y, k);
}

/** e^x − 1, accurate near 0 (error < 1 ulp). */
export function expm1(x: f64): f64 {
  let hx = highWord(x);
  const sign = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) { // |x| ≥ 56·ln2
    if (x != x) return x;
    if (sign != 0) return -1;
    if (x > EXP_OVERFLOW) return x * pow2(1023);
  }
  let hi: f64, lo: f64, c: f64 = 0, k: i32;
  if (hx > 0x3fd62e42) { // |x| > ln2/2
    if (hx < 0x3ff0a2b2) { // |x| < 1.5·ln2
      if (sign == 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = <i32>(INV_LN2 * x + (sign != 0 ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) { // |x| < 2^-54
    return x;
  } else {
    k = 0;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1.0 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1.0 + 2.0 * (x - e);
  }
  if (k < 0 || k > 56) { // e^x − 1 ≈ e^x
    let y = x - e + 1.0;
    if (k == 1024) y = y * 2.0 * pow2(1023);
    else y = y * pow2(k);
    return y - 1.0;
  }
  if (k < 20) return (x - e + (1 - pow2(-k))) * pow2(k);
  return (x - (e + pow2(-k)) + 1) * pow2(k);
}

/** Natural logarithm, error < 1 ulp. */
export function log(x: f64): f64 {
  let hx = highWord(x);
  let k: i32 = 0;
  if (hx < 0x00100000 || (hx >> 31) != 0) { // subnormal, zero or negative
    if ((hx & 0x7fffffff) == 0 && lowWord(x) == 0) return -1 / (x * x);
    if ((hx >> 31) != 0) return (x - x) / 0.0;
    k -= 54;
    x *= pow2(54);
    hx = highWord(x);
  } else if (hx >= 0x7ff00000) {
    return x;
  } else if (hx == 0x3ff00000 && lowWord(x) == 0) {
    return 0;
  }
  // x = 2^k·(1 + f) with 1 + f in [√2/2, √2)
  hx += 0x3ff00000 - 0x3fe6a09e;
  k += <i32>(hx >> 20) - 0x3ff;
  hx = (hx & 0x000fffff) + 0x3fe6a09e;
  x = fromWords(hx, lowWord(x));
  const f = x - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  const dk = <f64>k;
  return s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

/**
 * Hyperbolic tangent, error < 2 ulp. For |x| ≤ log(3)/2 ≈ 0.5493 the Taylor series
 * x + T1·x³ + … + T19·x³⁹ (truncation below 2^−60 relative there; < 0.8 ulp measured,
 * where musl's expm1 forms lose up to 2.1 ulp); above it musl's 1 − 2/(e^2|x| + 1)
 * through expm1, and ±1 from |x| > 20 on (1 − tanh 20 < 2^−57).
 */
export function tanh(x: f64): f64 {
  const negative = (reinterpret<u64>(x) >> 63) != 0;
  const a = abs(x);
  const w = highWord(a);
  let t: f64;
  if (w > 0x3fe193ea) { // |x| > log(3)/2, or NaN
    if (w > 0x40340000) t = 1 - 0 / a; // |x| > 20 (1) or NaN (NaN)
    else {
      t = expm1(2 * a);
      t = 1 - 2 / (t + 2);
    }
  } else {
    const z = a * a;
    const p = T1 + z * (T2 + z * (T3 + z * (T4 + z * (T5 + z * (T6 + z * (T7 + z * (T8 + z * (T9 + z * (T10
      + z * (T11 + z * (T12 + z * (T13 + z * (T14 + z * (T15 + z * (T16 + z * (T17 + z * (T18 + z * T19)))))))))))))))));
    t = a + a * (z * p);
  }
  return negative ? -t : t;
}
