/**
 * The live connection on the dashboard: whether the stream is connecting, open or
 * reconnecting (and where to), how far the exchange's clock is from this browser's (the
 * server-time offset and its round trip: what the latency from exchange time reads
 * against), what arrived and what was garbage (by reason), reconnects and rate limits, the
 * last trouble reported, and per symbol whether its book is synced, its gaps, resyncs and
 * snapshots — what a trader checks before trusting a live score.
 */
import { DASH, fixed, int } from "./format.js";
import type { LiveFrame } from "./pageProtocol.js";

const STATE_TEXT = { connecting: "connecting", open: "open", reconnecting: "reconnecting", closed: "closed" } as const;

export class ConnectionPanel {
  private readonly body: HTMLTableSectionElement;

  constructor(private readonly root: HTMLElement) {
    this.body = root.querySelector<HTMLTableSectionElement>("#link-symbols tbody")!;
  }

  update(live: LiveFrame): void {
    const s = live.stats;
    const state = this.field("state");
    state.textContent = STATE_TEXT[live.state];
    state.className = live.state === "open" ? "pos" : live.state === "closed" ? "" : "neg";
    this.field("url").textContent = live.url;
    this.field("url").title = live.url;
    this.field("offset").textContent = Number.isFinite(s.serverTimeOffsetMs)
      ? `${s.serverTimeOffsetMs >= 0 ? "+" : "−"}${fixed(Math.abs(s.serverTimeOffsetMs), 0)} ms ± ${fixed(s.serverTimeRoundTripMs / 2, 0)}`
      : DASH;
    this.field("messages").textContent = int(s.messages);
    const garbage = this.field("garbage");
    garbage.textContent = int(s.garbage);
    garbage.className = s.garbage > 0 ? "neg" : "";
    garbage.title = Object.entries(s.garbageBy)
      .map(([reason, n]) => `${reason}: ${n}`)
      .join("\n");
    this.field("reconnects").textContent = `${int(s.reconnects.unplanned)} · ${int(s.reconnects.planned)} planned`;
    this.field("limited").textContent = `${int(s.rateLimited)} · ${int(s.banned)} banned`;
    this.field("recorded").textContent =
      live.recordDropped > 0 ? `${int(live.recorded)} (full: ${int(live.recordDropped)} not kept)` : int(live.recorded);
    const issue = this.root.querySelector<HTMLElement>("#link-issue")!;
    issue.textContent = live.lastIssue ? `${new Date(live.lastIssue.time).toISOString().slice(11, 19)} ${live.lastIssue.message}` : "";

    const symbols = Object.entries(s.symbols);
    while (this.body.rows.length < symbols.length) {
      const row = this.body.insertRow();
      for (let i = 0; i < 5; i++) row.insertCell();
    }
    symbols.forEach(([symbol, x], i) => {
      const row = this.body.rows[i]!;
      row.dataset.symbol = symbol;
      const cells = [
        symbol,
        x.synced ? "synced" : "waiting",
        int(x.gaps),
        int(x.resyncs),
        `${int(x.snapshotsReceived)} / ${int(x.snapshotsRequested)}`,
      ];
      cells.forEach((text, k) => {
        const cell = row.cells[k]!;
        if (cell.textContent !== text) cell.textContent = text;
      });
      row.cells[1]!.className = x.synced ? "pos" : "neg";
      row.title = `stale snapshots ${x.staleSnapshots}, snapshot retries ${x.snapshotRetries}, duplicates skipped ${x.duplicatesSkipped}`;
    });
  }

  clear(): void {
    for (const el of this.root.querySelectorAll<HTMLElement>("[data-f]")) el.textContent = DASH;
    this.root.querySelector("#link-issue")!.textContent = "";
    this.body.replaceChildren();
  }

  private field(name: string): HTMLElement {
    return this.root.querySelector<HTMLElement>(`[data-f="${name}"]`)!;
  }
}
