/**
 * One symbol's live chart: panes on one time axis — mid price; the confluence score (a
 * baseline at 50: above it the book and flow lean to buying) with its 10-second
 * exponential average; its confidence, against the actionable threshold; the top-5
 * book imbalance (bars, green when bids outweigh asks); and the cumulative volume delta
 * (who has been taking liquidity, buyers or sellers). A legend on each pane reads the latest value, or the
 * value under the crosshair. The chart follows the replay until the user zooms or
 * scrolls it; a double click follows again. It keeps the latest MAX_POINTS points a
 * series (a live session runs for days): older ones are dropped in blocks and counted.
 */
import {
  AreaSeries,
  BaselineSeries,
  createChart,
  HistogramSeries,
  LineSeries,
  LineStyle,
  type IChartApi,
  type ISeriesApi,
  type MouseEventParams,
  type SeriesType,
  type UTCTimestamp,
} from "lightweight-charts";
import { fixed, price, priceDigits, signed } from "./format.js";
import type { SeriesPoints } from "./pageProtocol.js";

const COLORS = {
  background: "#0d1217",
  grid: "#18212a",
  border: "#243039",
  text: "#7d8b99",
  mid: "#4aa3ff",
  up: "#26c281",
  down: "#f0525b",
  confidence: "#e8b339",
  cvd: "#a98bff",
} as const;

/** Points a series keeps at most; past it the oldest TRIM_POINTS go at once (setData is a full redraw). */
const MAX_POINTS = 20_000;
const TRIM_POINTS = 5_000;

const up = (alpha: number): string => `rgba(38, 194, 129, ${alpha})`;
const down = (alpha: number): string => `rgba(240, 82, 91, ${alpha})`;

interface Pane {
  readonly legend: HTMLElement;
  readonly title: string;
  readonly value: (time: number | null) => string;
}

export class SymbolChart {
  readonly element: HTMLElement;
  private readonly chart: IChartApi;
  private readonly mid: ISeriesApi<"Line">;
  private readonly score: ISeriesApi<"Baseline">;
  private readonly scoreEma: ISeriesApi<"Line">;
  private readonly confidence: ISeriesApi<"Area">;
  private readonly imbalance: ISeriesApi<"Histogram">;
  private readonly cvd: ISeriesApi<"Baseline">;
  private readonly panes: Pane[] = [];
  private follow = true;
  private crosshairTime: number | null = null;
  private readonly latest = new Map<ISeriesApi<SeriesType>, number | null>();
  /** Distinct point times so far, and the last (a point with the same time revises the last). */
  private points = 0;
  private lastTime = -Infinity;
  /** Points dropped per series by the MAX_POINTS bound. */
  private trimmedPoints = 0;
  /** Decimals of the price axis, set from the first mid price. */
  private digits: number | null = null;

  /** `threshold`: the confidence above which a score is actionable (drawn on the confidence pane). */
  constructor(
    readonly symbol: string,
    host: HTMLElement,
    threshold: number,
    onSelect: (symbol: string) => void,
  ) {
    this.element = document.createElement("section");
    this.element.className = "symbol";
    this.element.dataset.symbol = symbol;
    this.element.innerHTML = `<header><span class="sym"></span><span class="quote"></span><button class="fit" title="follow the replay (double click on the chart)">⤢ follow</button></header><div class="chart"></div>`;
    this.element.querySelector(".sym")!.textContent = symbol;
    this.element.querySelector("header")!.addEventListener("click", () => onSelect(symbol));
    const fit = this.element.querySelector<HTMLButtonElement>(".fit")!;
    fit.addEventListener("click", (e) => {
      e.stopPropagation();
      this.setFollow(true);
    });
    this.element.classList.add("following");
    host.appendChild(this.element);
    const box = this.element.querySelector<HTMLElement>(".chart")!;
    this.chart = createChart(box, {
      autoSize: true,
      layout: {
        background: { color: COLORS.background },
        textColor: COLORS.text,
        fontSize: 10,
        attributionLogo: false,
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
        panes: { separatorColor: COLORS.border, separatorHoverColor: "#2f3d49", enableResize: true },
      },
      grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
      rightPriceScale: { borderColor: COLORS.border, minimumWidth: 72 },
      timeScale: { borderColor: COLORS.border, timeVisible: true, secondsVisible: true, minBarSpacing: 0.001, rightOffset: 2 },
      crosshair: { horzLine: { labelBackgroundColor: "#2a3744" }, vertLine: { labelBackgroundColor: "#2a3744" } },
    });
    const thin = { lineWidth: 1, priceLineVisible: false } as const;
    this.mid = this.chart.addSeries(LineSeries, { ...thin, color: COLORS.mid, lastValueVisible: true }, 0);
    this.score = this.chart.addSeries(
      BaselineSeries,
      {
        ...thin,
        baseValue: { type: "price", price: 50 },
        topLineColor: COLORS.up,
        topFillColor1: up(0.28),
        topFillColor2: up(0.02),
        bottomLineColor: COLORS.down,
        bottomFillColor1: down(0.02),
        bottomFillColor2: down(0.28),
        priceFormat: { type: "price", precision: 1, minMove: 0.1 },
      },
      1,
    );
    this.scoreEma = this.chart.addSeries(
      LineSeries,
      {
        ...thin,
        color: "rgba(211, 219, 227, 0.9)",
        lineWidth: 2,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
        priceFormat: { type: "price", precision: 1, minMove: 0.1 },
      },
      1,
    );
    this.confidence = this.chart.addSeries(
      AreaSeries,
      {
        ...thin,
        lineColor: "rgba(232, 179, 57, 0.9)",
        topColor: "rgba(232, 179, 57, 0.35)",
        bottomColor: "rgba(232, 179, 57, 0.04)",
        priceFormat: { type: "price", precision: 2, minMove: 0.01 },
        crosshairMarkerVisible: false,
        autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 1 } }),
      },
      2,
    );
    this.confidence.createPriceLine({
      price: threshold,
      color: "rgba(232, 179, 57, 0.55)",
      lineWidth: 1,
      lineStyle: LineStyle.Dashed,
      axisLabelVisible: false,
      title: "",
    });
    this.score.createPriceLine({
      price: 50,
      color: "#3a4856",
      lineWidth: 1,
      lineStyle: LineStyle.Dotted,
      axisLabelVisible: false,
      title: "",
    });
    this.imbalance = this.chart.addSeries(
      HistogramSeries,
      {
        priceLineVisible: false,
        color: COLORS.up,
        base: 0,
        priceFormat: { type: "price", precision: 2, minMove: 0.01 },
      },
      3,
    );
    this.cvd = this.chart.addSeries(
      BaselineSeries,
      {
        ...thin,
        baseValue: { type: "price", price: 0 },
        topLineColor: COLORS.cvd,
        topFillColor1: "rgba(169, 139, 255, 0.25)",
        topFillColor2: "rgba(169, 139, 255, 0.02)",
        bottomLineColor: "#d08bff",
        bottomFillColor1: "rgba(208, 139, 255, 0.02)",
        bottomFillColor2: "rgba(208, 139, 255, 0.25)",
        priceFormat: { type: "price", precision: 3, minMove: 0.001 },
      },
      4,
    );
    const panes = this.chart.panes();
    for (const [i, f] of [3, 1.9, 0.75, 1.05, 1.25].entries()) panes[i]!.setStretchFactor(f);

    // the value under the crosshair, else the latest (kept by apply(), not searched for)
    const last = <T extends SeriesType>(s: ISeriesApi<T>, time: number | null): number | null => {
      if (time === null) return this.latest.get(s) ?? null;
      const d = s.data().find((p) => p.time === time);
      return d && "value" in d ? (d.value as number) : null;
    };
    const legend = (title: string, value: Pane["value"]): void => {
      const el = document.createElement("div");
      el.className = "legend";
      box.appendChild(el);
      this.panes.push({ legend: el, title, value });
    };
    legend("mid", (t) => price(last(this.mid, t), this.digits ?? undefined));
    const warming = "<span>warming up</span>";
    legend("score", (t) => {
      const score = last(this.score, t);
      return score === null
        ? warming
        : `<b class="${tone(score, 50)}">${fixed(score, 1)}</b> <span>ema 10s</span><b>${fixed(last(this.scoreEma, t), 1)}</b>`;
    });
    legend("confidence", (t) => {
      const confidence = last(this.confidence, t);
      return confidence === null ? warming : `<b class="conf">${fixed(confidence, 2)}</b> <span>threshold ${threshold.toFixed(2)}</span>`;
    });
    legend("book imbalance top 5", (t) => `<b class="${tone(last(this.imbalance, t), 0)}">${signed(last(this.imbalance, t), 3)}</b>`);
    legend("cum. volume delta", (t) => `<b>${signed(last(this.cvd, t), 3)}</b>`);

    this.chart.subscribeCrosshairMove((p: MouseEventParams) => {
      this.crosshairTime = p.time === undefined ? null : (p.time as number);
      this.renderLegends();
    });
    const stopFollowing = (): void => this.setFollow(false);
    box.addEventListener("wheel", stopFollowing, { passive: true });
    box.addEventListener("mousedown", stopFollowing);
    box.addEventListener("dblclick", () => this.setFollow(true));
    new ResizeObserver(() => this.placeLegends()).observe(box);
  }

  /** Appends (or revises the last of) the points a frame brought. */
  apply(points: SeriesPoints): void {
    const n = points.time.length;
    for (let i = 0; i < n; i++) {
      const time = points.time[i]! as UTCTimestamp;
      const mid = points.mid[i]!,
        imbalance = points.imbalance[i]!,
        score = points.score[i]!,
        ema = points.scoreEma[i]!,
        confidence = points.confidence[i]!;
      if (mid !== null && this.digits === null) this.setDigits(mid);
      if (time > this.lastTime) {
        this.lastTime = time;
        if (++this.points > MAX_POINTS) this.trim();
      }
      this.mid.update(mid === null ? { time } : { time, value: mid });
      this.score.update(score === null ? { time } : { time, value: score });
      this.scoreEma.update(ema === null ? { time } : { time, value: ema });
      this.confidence.update(confidence === null ? { time } : { time, value: confidence });
      this.imbalance.update(imbalance === null ? { time } : { time, value: imbalance, color: imbalance >= 0 ? up(0.75) : down(0.75) });
      this.cvd.update({ time, value: points.cvd[i]! });
    }
    if (n === 0) return;
    const at = n - 1;
    this.latest
      .set(this.mid, points.mid[at]!)
      .set(this.score, points.score[at]!)
      .set(this.scoreEma, points.scoreEma[at]!)
      .set(this.confidence, points.confidence[at]!)
      .set(this.imbalance, points.imbalance[at]!)
      .set(this.cvd, points.cvd[at]!);
    if (this.follow) this.chart.timeScale().fitContent();
    this.renderLegends();
  }

  /** Header line: the latest quote. */
  setQuote(html: string): void {
    this.element.querySelector(".quote")!.innerHTML = html;
  }

  setSelected(selected: boolean): void {
    this.element.classList.toggle("selected", selected);
  }

  /** Points per series, for tests. */
  pointCounts(): Record<"mid" | "score" | "scoreEma" | "confidence" | "imbalance" | "cvd", number> {
    const valued = (s: ISeriesApi<SeriesType>): number => s.data().filter((d) => "value" in d).length;
    return {
      mid: valued(this.mid),
      score: valued(this.score),
      scoreEma: valued(this.scoreEma),
      confidence: valued(this.confidence),
      imbalance: valued(this.imbalance),
      cvd: valued(this.cvd),
    };
  }

  /** Points a series dropped to the MAX_POINTS bound. */
  get trimmed(): number {
    return this.trimmedPoints;
  }

  /** Drops the oldest TRIM_POINTS points of every series. */
  private trim(): void {
    for (const s of [this.mid, this.score, this.scoreEma, this.confidence, this.imbalance, this.cvd] as ISeriesApi<SeriesType>[]) {
      s.setData(s.data().slice(TRIM_POINTS));
    }
    this.points -= TRIM_POINTS;
    this.trimmedPoints += TRIM_POINTS;
    this.element.querySelector<HTMLButtonElement>(".fit")!.title =
      `follow the replay (double click on the chart); ${this.trimmedPoints} oldest points dropped (the chart keeps ${MAX_POINTS})`;
  }

  dispose(): void {
    this.chart.remove();
    this.element.remove();
  }

  private setDigits(mid: number): void {
    this.digits = priceDigits(mid);
    // host `**` is fine here: display only (the price axis' tick step), no tested result depends on it
    this.mid.applyOptions({ priceFormat: { type: "price", precision: this.digits, minMove: 10 ** -this.digits } });
  }

  private setFollow(follow: boolean): void {
    this.follow = follow;
    this.element.classList.toggle("following", follow);
    if (follow) this.chart.timeScale().fitContent();
  }

  private renderLegends(): void {
    for (const p of this.panes) p.legend.innerHTML = `<span>${p.title}</span> ${p.value(this.crosshairTime)}`;
    this.placeLegends();
  }

  /** Puts each legend at the top left of its pane (panes resize with the page and by dragging). */
  private placeLegends(): void {
    const panes = this.chart.panes();
    let top = 0;
    this.panes.forEach((p, i) => {
      p.legend.style.top = `${top + 4}px`;
      top += (panes[i]?.getHeight() ?? 0) + 1;
    });
  }
}

function tone(x: number | null, neutral: number): string {
  return x === null ? "" : x > neutral ? "pos" : x < neutral ? "neg" : "";
}
