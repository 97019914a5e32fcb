// Types of scripts/coreLayout.mjs for the tests that import it.
export interface CoreSpecEntry {
  readonly name: string;
  readonly meaning: string;
  /** What writes the slot: a component name or a function of assembly/confluence/components.ts. */
  readonly source?: string;
}
export interface CoreSpec {
  readonly components: readonly { readonly name: string; readonly measures: string }[];
  readonly update: readonly CoreSpecEntry[];
  readonly status: readonly CoreSpecEntry[];
  readonly perComponent: readonly CoreSpecEntry[];
  readonly features: readonly (CoreSpecEntry & { readonly source: string; readonly nullable?: boolean })[];
}
export interface OutputSlot {
  readonly slot: number;
  /** The constant naming it ("F_RSI", "SIGNAL + ORDERBOOK"). */
  readonly name: string;
  readonly source: string;
}
export interface LayoutConstant {
  readonly name: string;
  readonly value: number;
  readonly doc: string;
}
export const SPEC: string;
export const AS_LAYOUT: string;
export const TS_LAYOUT: string;
export function constantName(name: string): string;
export function layoutConstants(spec: CoreSpec): LayoutConstant[];
export function outputSlots(spec: CoreSpec): OutputSlot[];
export function coreLayoutFiles(spec: CoreSpec): Record<string, string>;
export function readSpec(root: string): Promise<CoreSpec>;
export function writeCoreLayout(root: string): Promise<void>;
