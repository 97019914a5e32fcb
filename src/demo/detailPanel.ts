/**
 * The selected symbol in detail, as a trader reads a signal before acting on it: the
 * score and its confidence (actionable when the confidence clears the threshold), the
 * six components that voted (sub-score around 50, and how sure each is), the composite
 * outputs (directional bias, urgency, risk-adjusted opportunity, stability), the execution
 * decision that follows (side, urgency, algorithm, participation, horizon, price limit)
 * and the book and flow behind it.
 */
import { COMPONENT_NAMES, PRESETS } from "../confluence/config.js";
import { DASH, duration, fixed, int, price, priceDigits, signed } from "./format.js";
import type { SymbolFrame } from "./pageProtocol.js";

const WEIGHTS = PRESETS.default.weights;
const COMPOSITE = [
  ["directional bias", "directionalBias", "signed"],
  ["execution urgency", "executionUrgency", "unit"],
  ["risk-adj. opportunity", "riskAdjustedOpportunity", "unit"],
  ["stability", "stability", "unit"],
] as const;

/** The elements with `data-f` under `root`, by name. */
function fields(root: HTMLElement): Record<string, HTMLElement> {
  const out: Record<string, HTMLElement> = {};
  for (const el of root.querySelectorAll<HTMLElement>("[data-f]")) out[el.dataset.f!] = el;
  return out;
}

/** A bar from the middle (values in [−1, 1]) or from the left (values in [0, 1]). */
function bar(x: number | null, diverging: boolean, kind = "plain"): string {
  if (x === null || !Number.isFinite(x)) return `<div class="bar${diverging ? " div" : ""}"></div>`;
  const v = Math.max(-1, Math.min(1, x));
  if (!diverging) return `<div class="bar"><div class="f ${kind}" style="width:${(Math.max(v, 0) * 100).toFixed(1)}%"></div></div>`;
  const w = (Math.abs(v) * 50).toFixed(1);
  const style = v >= 0 ? `left:50%;width:${w}%` : `right:50%;width:${w}%`;
  return `<div class="bar div"><div class="f ${v >= 0 ? "pos" : "neg"}" style="${style}"></div></div>`;
}

const tone = (x: number, neutral = 0): string => (x > neutral ? "pos" : x < neutral ? "neg" : "");

export class DetailPanel {
  private readonly components: HTMLTableSectionElement;
  private readonly composite: HTMLTableSectionElement;
  private readonly decision: Record<string, HTMLElement>;
  private readonly book: Record<string, HTMLElement>;

  constructor(private readonly root: HTMLElement) {
    this.components = root.querySelector<HTMLTableSectionElement>("#components tbody")!;
    this.composite = root.querySelector<HTMLTableSectionElement>("#composite tbody")!;
    this.decision = fields(root.querySelector<HTMLElement>("#decision")!);
    this.book = fields(root.querySelector<HTMLElement>("#book")!);
    this.show(undefined);
  }

  show(s: SymbolFrame | undefined): void {
    const $ = (id: string): HTMLElement => this.root.querySelector<HTMLElement>(`#${id}`)!;
    const u = s?.score ?? null;
    $("sel-symbol").textContent = s?.symbol ?? DASH;
    const actionable = $("sel-actionable");
    actionable.textContent = u ? (u.actionable ? "actionable" : "below threshold") : s ? "warming up" : DASH;
    actionable.classList.toggle("on", u?.actionable === true);
    $("sel-score").textContent = fixed(u?.score, 1);
    $("sel-score").className = `big num ${u ? tone(u.score, 50) : ""}`;
    $("sel-confidence").textContent = fixed(u?.confidence, 2);
    $("sel-momentum").textContent = signed(u?.momentum, 2);
    $("sel-reversion").textContent = signed(u?.meanReversion, 2);
    $("sel-gauge").style.left = `${u ? Math.max(0, Math.min(100, u.score)) : 50}%`;

    this.components.innerHTML = COMPONENT_NAMES.map((name) => {
      const c = u?.components[name];
      const silent = name === "sentiment" && (c?.confidence ?? 0) === 0;
      return (
        `<tr class="${silent ? "off" : ""}"><td class="name">${name.replace("_", " ")}</td><td class="w">${WEIGHTS[name].toFixed(2)}</td>` +
        `<td class="barcell">${bar(c ? (c.score - 50) / 50 : null, true)}</td><td class="${c ? tone(c.score, 50) : ""}">${silent ? "no feed" : fixed(c?.score, 1)}</td>` +
        `<td class="barcell short">${bar(c?.confidence ?? null, false, "conf")}</td><td>${fixed(c?.confidence, 2)}</td></tr>`
      );
    }).join("");

    this.composite.innerHTML = COMPOSITE.map(([label, key, kind]) => {
      const x = u ? u.composite[key] : null;
      const text = kind === "signed" ? signed(x, 3) : fixed(x, 3);
      return `<tr><td class="name">${label}</td><td class="barcell">${bar(x, kind === "signed")}</td><td class="${kind === "signed" && x !== null ? tone(x) : ""}">${text}</td></tr>`;
    }).join("");

    const d = u?.decision ?? null;
    const b = s?.book;
    const mid = b?.bestBid != null && b.bestAsk != null ? (b.bestBid + b.bestAsk) / 2 : null;
    const digits = mid === null ? 2 : priceDigits(mid);
    const f = this.decision;
    f.side!.textContent = d ? d.side : DASH;
    f.side!.className = `side ${d?.side ?? ""}`;
    f.urgency!.textContent = d?.urgency ?? DASH;
    f.algorithm!.textContent = d ? d.algorithm.replace(/_/g, " ") : DASH;
    f.participation!.textContent = d ? `${(d.participationRate * 100).toFixed(0)}% of volume` : DASH;
    f.horizon!.textContent = d ? duration(d.timeHorizonMs) : DASH;
    f.limit!.textContent =
      d?.priceLimit != null
        ? `${price(d.priceLimit, digits)}${mid ? ` (${signed(((d.priceLimit - mid) / mid) * 1e4, 2)} bps)` : ""}`
        : d
          ? "none"
          : DASH;

    const k = this.book;
    k.bid!.textContent = price(b?.bestBid, digits);
    k.ask!.textContent = price(b?.bestAsk, digits);
    k.spread!.textContent = b?.bestBid != null && b.bestAsk != null ? price(b.bestAsk - b.bestBid, digits) : DASH;
    k.micro!.textContent = price(b?.microprice, digits);
    k.levels!.textContent = b?.bidLevels !== undefined ? `${int(b.bidLevels)} × ${int(b.askLevels)}` : DASH;
    k.sync!.textContent = b ? (b.synced ? "synced" : "waiting") : DASH;
    k.sync!.className = b ? (b.synced ? "pos" : "neg") : "";
    k.buy!.textContent = fixed(s?.buyVolume, 3);
    k.sell!.textContent = fixed(s?.sellVolume, 3);
    k.trades!.textContent = int(s?.events.trade);
    k.depth!.textContent = int(s?.events.depth);
    k.quotes!.textContent = int(s?.events.quote);
    k.updates!.textContent = int(s?.scoreUpdates);
  }
}
