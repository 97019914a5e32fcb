/**
 * The reader of a detected format: the line decoder the capture parser runs a file with
 * (null for the capture format, which the parser reads itself). A format that names no
 * symbol (Binance public trades CSV) takes it from `symbol` when given, else from `name`
 * (the zip entry's or the file's name), else fails with a MissingSymbolError.
 */
import { MissingSymbolError } from "../../errors.js";
import { BinancePublicTrades, symbolFromFileName } from "./binancePublicTrades.js";
import { BinanceWebsocketLines } from "./binanceWebsocketLines.js";
import type { DetectedFormat } from "./detectFormat.js";
import type { LineDecoder } from "./lineDecoder.js";
import { TardisBookSnapshot } from "./tardisBookSnapshot.js";
import { TardisIncrementalBookL2 } from "./tardisIncrementalBookL2.js";
import { TardisQuotes } from "./tardisQuotes.js";
import { TardisTrades } from "./tardisTrades.js";

export interface DecoderContext {
  /** The file, for errors. */
  readonly file: string;
  /** The name the data had: the zip entry's, else the file's. */
  readonly name: string;
  /** The symbol of files that name none, when given. */
  readonly symbol?: string | undefined;
}

export function lineDecoderFor(detected: DetectedFormat, context: DecoderContext): LineDecoder | null {
  switch (detected.format) {
    case "capture":
      return null;
    case "binance-ws":
      return new BinanceWebsocketLines();
    case "tardis-trades":
      return new TardisTrades();
    case "tardis-quotes":
      return new TardisQuotes();
    case "tardis-incremental-book-l2":
      return new TardisIncrementalBookL2();
    case "tardis-book-snapshot":
      return new TardisBookSnapshot(detected.depth);
    case "binance-trades":
    case "binance-agg-trades": {
      const kind = detected.format === "binance-trades" ? "trades" : "aggTrades";
      const symbol = context.symbol ?? symbolFromFileName(context.name);
      if (symbol === null || symbol === "") throw new MissingSymbolError(context.file, `a Binance public ${kind} CSV`);
      return new BinancePublicTrades(kind, symbol);
    }
  }
}
