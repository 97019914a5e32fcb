/**
 * The watchlist: one row per symbol with what a trader scans first — mid, spread,
 * score, confidence, directional bias, the execution signal, book imbalance, volume
 * delta, event and rejection counts and whether the book is synced. A click selects
 * the symbol for the detail panel.
 */
import { DASH, fixed, int, price, priceDigits, signed } from "./format.js";
import type { SymbolFrame } from "./pageProtocol.js";

export class Watchlist {
  private readonly rows = new Map<string, HTMLTableRowElement>();

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly onSelect: (symbol: string) => void,
  ) {}

  update(s: SymbolFrame): void {
    let row = this.rows.get(s.symbol);
    if (!row) {
      row = this.body.insertRow();
      row.dataset.symbol = s.symbol;
      row.addEventListener("click", () => this.onSelect(s.symbol));
      this.rows.set(s.symbol, row);
    }
    const b = s.book,
      u = s.score,
      d = u?.decision ?? null;
    const mid = b.bestBid != null && b.bestAsk != null ? (b.bestBid + b.bestAsk) / 2 : null;
    const digits = mid === null ? 2 : priceDigits(mid);
    const cvd = s.buyVolume - s.sellVolume;
    const e = s.events;
    const cells: [string, string][] = [
      [s.symbol, ""],
      [price(mid, digits), ""],
      [mid !== null ? price(b.bestAsk! - b.bestBid!, digits) : DASH, ""],
      [fixed(u?.score, 1), u ? (u.score > 50 ? "pos" : u.score < 50 ? "neg" : "") : ""],
      [fixed(u?.confidence, 2), ""],
      [
        signed(u?.composite.directionalBias, 3),
        u ? (u.composite.directionalBias > 0 ? "pos" : u.composite.directionalBias < 0 ? "neg" : "") : "",
      ],
      [d ? `${d.side === "none" ? "flat" : d.side} · ${d.urgency}` : DASH, d ? `side-${d.side}` : ""],
      [signed(b.imbalance5, 3), b.imbalance5 ? (b.imbalance5 > 0 ? "pos" : "neg") : ""],
      [signed(cvd, 3), cvd > 0 ? "pos" : cvd < 0 ? "neg" : ""],
      [int(e.trade + e.depth + e.quote + e.snapshot), ""],
      [int(e.rejected), e.rejected > 0 ? "neg" : ""],
      [b.synced ? `synced${b.gaps ? ` · ${b.gaps} gaps` : ""}` : `waiting${b.gaps ? ` · ${b.gaps} gaps` : ""}`, b.synced ? "pos" : "neg"],
    ];
    while (row.cells.length < cells.length) row.insertCell();
    cells.forEach(([text, cls], i) => {
      const cell = row.cells[i]!;
      if (cell.textContent !== text) cell.textContent = text;
      if (cell.className !== cls) cell.className = cls;
    });
  }

  select(symbol: string): void {
    for (const [s, row] of this.rows) row.classList.toggle("selected", s === symbol);
  }

  clear(): void {
    this.body.replaceChildren();
    this.rows.clear();
  }
}
