/**
 * Market-making parameters: how a quoting engine should lean, widen, size and pace its
 * quotes given the signal and its own inventory.
 *
 * To a trader: a weak or doubtful signal widens the spread and shrinks size; a
 * directional one skews the quote prices its way; a long inventory tilts quoting toward
 * selling (inventoryBias < 0) so the book works the position back toward flat.
 *
 * Formulas (the scoring layer's seed): spreadAdjustment = 1 − reliability,
 * sizeMultiplier = strength·reliability, priceSkew = bias·0.5, activityLevel = strength,
 * inventoryBias = −clamp(position/maxPosition, −1, 1) (0 without an inventory).
 */
import { requireInRange, requirePositive } from "../checks.js";
import type { Components } from "../score/extract.js";

export interface Inventory {
  /** Signed position (long > 0), any finite number. */
  readonly position: number;
  /** The position limit, > 0: |position| at or beyond it saturates inventoryBias. */
  readonly maxPosition: number;
}

export interface MarketMakingParameters {
  /** −1 … 1: −clamp(position/maxPosition); < 0 leans toward selling. */
  readonly inventoryBias: number;
  /** 0 … 1: how much to widen the spread (0 = the base spread; the quoting engine sets the scale). */
  readonly spreadAdjustment: number;
  /** 0 … 1: quote size as a fraction of the maximum. */
  readonly sizeMultiplier: number;
  /** −0.5 … 0.5: how far to shift both quotes toward the bias (> 0 up; the quoting engine sets the unit). */
  readonly priceSkew: number;
  /** 0 … 1: how actively to requote. */
  readonly activityLevel: number;
}

export function marketMakingParameters(
  c: Pick<Components, "directionalBias" | "signalStrength" | "reliability">,
  inventory?: Inventory,
): MarketMakingParameters {
  const { directionalBias: bias, signalStrength: strength, reliability } = c;
  requireInRange("directionalBias", bias, -1, 1);
  requireInRange("signalStrength", strength, 0, 1);
  requireInRange("reliability", reliability, 0, 1);
  let inventoryBias = 0;
  if (inventory !== undefined) {
    requireInRange("position", inventory.position, -Infinity, Infinity);
    requirePositive("maxPosition", inventory.maxPosition);
    const used = inventory.position / inventory.maxPosition;
    inventoryBias = 0 - (used > 1 ? 1 : used < -1 ? -1 : used);
  }
  return {
    inventoryBias,
    spreadAdjustment: 1 - reliability,
    sizeMultiplier: strength * reliability,
    priceSkew: bias * 0.5,
    activityLevel: strength,
  };
}
