/**
 * Output slots of a ConfluenceCore block (f64 index from the block's start), shared
 * by the AssemblyScript core, its JS twin and the WASM wrapper
 * (src/kernels/coreLayout.ts mirrors these numbers).
 */
export const SCORE = 0;
export const CONFIDENCE = 1;
export const MOMENTUM = 2;
export const MEAN_REVERSION = 3;
export const AGREEMENT = 4;
export const SUFFICIENCY = 5;
export const REGIME = 6;
export const COVERAGE = 7;
export const READY = 8;
export const NEED_TRADES = 9;
export const NEED_QUOTES = 10;
export const NEED_BOOKS = 11;
/** Six sub-signals in [−1, 1] (component order: orderbook, orderflow, volume, price_structure, technical, sentiment). */
export const SIGNAL = 12;
/** Six component confidences in [0, 1]. */
export const COMPONENT_CONFIDENCE = 18;
/** Six availability flags (1 = contributes to this update). */
export const AVAILABLE = 24;
/** Features behind the signals (see core.ts). */
export const F_DWI = 30;
export const F_MICRO_OFFSET = 31;
export const F_VD_IMBALANCE = 32;
export const F_OFI_NORM = 33;
export const F_REL_VOLUME = 34;
export const F_VOL_DIRECTION = 35;
export const F_RANGE_POS = 36;
export const F_VWAP_Z = 37;
export const F_BREAKOUT = 38;
export const F_EMA_SPREAD = 39;
export const F_RSI = 40;
export const F_RETURN_MOMENTUM = 41;
export const F_SPREAD_RATIO = 42;
export const F_VOL_RATIO = 43;
export const F_MID = 44;
export const F_SPREAD = 45;
export const F_MICROPRICE = 46;
export const F_VOLATILITY = 47;
export const F_OFI_SUM = 48;
export const F_LAST_PRICE = 49;
export const OUTPUTS = 50;
