/**
 * exp, expm1, log and tanh, plain-JS twin of assembly/common/transcendental.ts: the
 * same algorithms (fdlibm/musl; a Taylor series for small tanh), operation for
 * operation in the same order, so each function returns the same bits as the
 * WebAssembly export of the same name on every engine (tested over millions of inputs
 * in test/kernels/transcendental.test.ts).
 * Nothing here calls the host's Math.exp/log/tanh/pow, which differ between engines.
 *
 * To a trader: level weights and squashed scores come out identical in Node, in every
 * browser and in the WebAssembly backend. Accuracy (against a 320-bit reference):
 * exp, expm1 and log < 1 ulp, tanh < 2 ulp; special values as in IEEE 754 / C99.
 *
 * Word access goes through one 8-byte scratch buffer; `HI`/`LO` pick the 32-bit halves
 * for the platform's byte order. Where the C code truncates a double to int, the
 * values are small (|k| ≤ 1075), so Math.trunc is exact and equals WebAssembly's.
 */
// biome-ignore-all lint/correctness/noPrecisionLoss: fdlibm's constants in its own decimal spelling (17+ digits); each rounds to the double its hex comment names
const LN2_HI = 6.9314718036912381649e-1; // 0x3fe62e42fee00000: k·LN2_HI is exact for |k| < 2^11
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef35793c76
// biome-ignore lint/suspicious/noApproximativeNumericConstant: Math.LOG2E's double, spelt as fdlibm and assembly/common/transcendental.ts spell it
const INV_LN2 = 1.442695040888963387; // 0x3ff71547652b82fe

const P1 = 1.66666666666666019037e-1; // 0x3fc555555555553e
const P2 = -2.77777777770155933842e-3; // 0xbf66c16c16bebd93
const P3 = 6.61375632143793436117e-5; // 0x3f11566aaf25de2c
const P4 = -1.6533902205465251539e-6; // 0xbebbbd41c5d26bf1
const P5 = 4.13813679705723846039e-8; // 0x3e66376972bea4d0

const Q1 = -3.33333333333331316428e-2; // 0xbfa11111111110f4
const Q2 = 1.58730158725481460165e-3; // 0x3f5a01a019fe5585
const Q3 = -7.93650757867487942473e-5; // 0xbf14ce199eaadbb7
const Q4 = 4.00821782732936239552e-6; // 0x3ed0cfca86e65239
const Q5 = -2.01099218183624371326e-7; // 0xbe8afdb76e09c32d

const LG1 = 6.66666666666673513e-1; // 0x3fe5555555555593
const LG2 = 3.999999999940941908e-1; // 0x3fd999999997fa04
const LG3 = 2.857142874366239149e-1; // 0x3fd2492494229359
const LG4 = 2.222219843214978396e-1; // 0x3fcc71c51d8e78af
const LG5 = 1.818357216161805012e-1; // 0x3fc7466496cb03de
const LG6 = 1.531383769920937332e-1; // 0x3fc39a09d078c69f
const LG7 = 1.479819860511658591e-1; // 0x3fc2f112df3e5244

// tanh, |x| ≤ log(3)/2: Taylor coefficients of x^3 … x^39, 2^2n·(2^2n − 1)·B_2n/(2n)! (Abramowitz & Stegun 4.5.64), rounded to nearest
const T1 = -0.3333333333333333; // −1/3
const T2 = 0.13333333333333333; // 2/15
const T3 = -0.05396825396825397; // −17/315
const T4 = 0.021869488536155203; // 62/2835
const T5 = -0.008863235529902197; // −1382/155925
const T6 = 0.003592128036572481; // 21844/6081075
const T7 = -0.0014558343870513183; // −929569/638512875
const T8 = 0.000590027440945586; // 6404582/10854718875
const T9 = -0.00023912911424355248; // −443861162/1856156927625
const T10 = 9.691537956929451e-5; // 18888466084/194896477400625
const T11 = -3.927832388331683e-5; // −113927491862/2900518163668125
const T12 = 1.5918905069328964e-5; // 58870668456604/3698160658676859375
const T13 = -6.451689215655431e-6;
const T14 = 2.6147711512907546e-6;
const T15 = -1.0597268320104654e-6;
const T16 = 4.294911078273806e-7;
const T17 = -1.7406618963571648e-7;
const T18 = 7.054636946400968e-8;
const T19 = -2.859136662305254e-8;

const EXP_OVERFLOW = 709.782712893383973096;
const EXP_UNDERFLOW = -745.13321910194110842;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

function highWord(x: number): number {
  F64[0] = x;
  return U32[HI]!;
}

function lowWord(x: number): number {
  F64[0] = x;
  return U32[LO]!;
}

function fromWords(hi: number, lo: number): number {
  U32[HI] = hi;
  U32[LO] = lo;
  return F64[0]!;
}

/** 2^n for n in [−1022, 1023], from its bits. */
function pow2(n: number): number {
  return fromWords((0x3ff + n) << 20, 0);
}

/** x·2^n with one rounding (mirror of scalbn in assembly/common/transcendental.ts). */
export function scalbn(x: number, n: number): number {
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
export function exp(x: number): number {
  let hx = highWord(x);
  const sign = hx >>> 31;
  hx &= 0x7fffffff;
  if (hx >= 0x4086232b) {
    if (x !== x) return x;
    if (x > EXP_OVERFLOW) return x * pow2(1023);
    if (x < EXP_UNDERFLOW) return 0;
  }
  let hi: number, lo: number, k: number;
  if (hx > 0x3fd62e42) {
    if (hx >= 0x3ff0a2b2) k = Math.trunc(INV_LN2 * x + (sign !== 0 ? -0.5 : 0.5));
    else k = 1 - sign - sign;
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
    x = hi - lo;
  } else if (hx > 0x3e300000) {
    k = 0;
    hi = x;
    lo = 0;
  } else {
    return 1 + x;
  }
  const xx = x * x;
  const c = x - xx * (P1 + xx * (P2 + xx * (P3 + xx * (P4 + xx * P5))));
  const y = 1 + ((x * c) / (2 - c) - lo + hi);
  return k === 0 ? y : scalbn(y, k);
}

/** e^x − 1, accurate near 0 (error < 1 ulp). */
export function expm1(x: number): number {
  let hx = highWord(x);
  const sign = hx >>> 31;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    if (x !== x) return x;
    if (sign !== 0) return -1;
    if (x > EXP_OVERFLOW) return x * pow2(1023);
  }
  let hi: number,
    lo: number,
    c = 0,
    k: number;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (sign === 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = Math.trunc(INV_LN2 * x + (sign !== 0 ? -0.5 : 0.5));
      const t = k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    return x;
  } else {
    k = 0;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1.0 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1.0 + 2.0 * (x - e);
  }
  if (k < 0 || k > 56) {
    let y = x - e + 1.0;
    if (k === 1024) y = y * 2.0 * pow2(1023);
    else y = y * pow2(k);
    return y - 1.0;
  }
  if (k < 20) return (x - e + (1 - pow2(-k))) * pow2(k);
  return (x - (e + pow2(-k)) + 1) * pow2(k);
}

/** Natural logarithm, error < 1 ulp. */
export function log(x: number): number {
  let hx = highWord(x);
  let k = 0;
  if (hx < 0x00100000 || hx >>> 31 !== 0) {
    if ((hx & 0x7fffffff) === 0 && lowWord(x) === 0) return -1 / (x * x);
    if (hx >>> 31 !== 0) return (x - x) / 0.0;
    k -= 54;
    x *= pow2(54);
    hx = highWord(x);
  } else if (hx >= 0x7ff00000) {
    return x;
  } else if (hx === 0x3ff00000 && lowWord(x) === 0) {
    return 0;
  }
  hx += 0x3ff00000 - 0x3fe6a09e;
  k += (hx >>> 20) - 0x3ff;
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
  const dk = k;
  return s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

/** Hyperbolic tangent, error < 2 ulp (mirror of tanh in assembly/common/transcendental.ts). */
export function tanh(x: number): number {
  const negative = highWord(x) >>> 31 !== 0;
  const a = Math.abs(x);
  const w = highWord(a);
  let t: number;
  if (w > 0x3fe193ea) {
    if (w > 0x40340000) t = 1 - 0 / a;
    else {
      t = expm1(2 * a);
      t = 1 - 2 / (t + 2);
    }
  } else {
    const z = a * a;
    const p =
      T1 +
      z *
        (T2 +
          z *
            (T3 +
              z *
                (T4 +
                  z *
                    (T5 +
                      z *
                        (T6 +
                          z *
                            (T7 +
                              z *
                                (T8 +
                                  z *
                                    (T9 +
                                      z *
                                        (T10 +
                                          z *
                                            (T11 +
                                              z *
                                                (T12 +
                                                  z *
                                                    (T13 + z * (T14 + z * (T15 + z * (T16 + z * (T17 + z * (T18 + z * T19)))))))))))))))));
    t = a + a * (z * p);
  }
  return negative ? -t : t;
}
