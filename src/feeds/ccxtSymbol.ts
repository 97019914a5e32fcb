/**
 * ccxt's unified symbols as the exchange-style symbols the Binance feeds, captures and
 * CSV files carry, so that a trader's ccxt trades and books meet the same symbol's
 * events from every other source: 'BTC/USDT' → 'BTCUSDT', and a derivative's settle
 * suffix dropped, 'BTC/USDT:USDT' → 'BTCUSDT' (ccxt's manual, "Market Structure":
 * `BASE/QUOTE:SETTLE`, with `-YYMMDD…` for dated contracts, kept). A symbol without '/'
 * passes unchanged. Binance's COIN-M perpetuals (`ETHUSD_PERP`) are named differently
 * from what this gives ('ETH/USD:ETH' → 'ETHUSD'): pass your own mapping there.
 */
export function ccxtSymbol(unified: string): string {
  if (!unified.includes("/")) return unified;
  const settle = unified.indexOf(":");
  if (settle < 0) return unified.replace("/", "");
  const dated = unified.indexOf("-", settle);
  return unified.slice(0, settle).replace("/", "") + (dated < 0 ? "" : unified.slice(dated));
}
