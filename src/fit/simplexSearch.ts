/**
 * A deterministic search for the maximum of an objective over weight vectors that are
 * non-negative and sum to 1 (the simplex), as `confluence fit` needs for component weights:
 * the objective (a rank IC) is piecewise constant in the weights, so no gradient helps. From
 * each start it moves a step of weight from one coordinate to another while that raises the
 * objective, halving the step when no move does, down to `minStep`. Starts: the centre and
 * every vertex (each component alone), so a single dominant component is found as surely as a
 * blend. Same inputs, same result: no randomness, ties broken by index order.
 */
import { InvalidParameterError } from "../errors.js";

export interface SimplexSearchOptions {
  /** The first step (a share of weight moved at once). Default 0.25. */
  readonly initialStep?: number;
  /** The search stops when the step falls below this. Default 1/128. */
  readonly minStep?: number;
  /** Coordinates held at 0 (e.g. a component with no data). */
  readonly frozen?: readonly boolean[];
  /** A bound on objective calls, so a slow objective cannot run away. Default 20,000. */
  readonly maxEvaluations?: number;
}

export interface SimplexSearchResult {
  readonly weights: Float64Array;
  readonly value: number;
  readonly evaluations: number;
}

/** The best weights found for `objective` over `dims` coordinates. A NaN objective counts as −∞. */
export function maximizeOnSimplex(
  objective: (weights: Float64Array) => number,
  dims: number,
  options: SimplexSearchOptions = {},
): SimplexSearchResult {
  const { initialStep = 0.25, minStep = 1 / 128, frozen = [], maxEvaluations = 20_000 } = options;
  if (!Number.isInteger(dims) || dims < 1) throw new InvalidParameterError("dims", dims, "an integer ≥ 1");
  if (!(initialStep > 0 && initialStep <= 1)) throw new InvalidParameterError("initialStep", initialStep, "a number in (0, 1]");
  if (!(minStep > 0 && minStep <= initialStep)) throw new InvalidParameterError("minStep", minStep, `a number in (0, ${initialStep}]`);
  const free = Array.from({ length: dims }, (_, i) => frozen[i] !== true);
  const freeCount = free.filter(Boolean).length;
  if (freeCount === 0) throw new InvalidParameterError("frozen", frozen.join(","), "at least one coordinate free");

  let evaluations = 0;
  const score = (w: Float64Array): number => {
    evaluations++;
    const v = objective(w);
    return v === v ? v : -Infinity;
  };
  const starts: Float64Array[] = [Float64Array.from(free, (f) => (f ? 1 / freeCount : 0))];
  for (let i = 0; i < dims; i++)
    if (free[i] && freeCount > 1) starts.push(Float64Array.from({ length: dims }, (_, j) => (j === i ? 1 : 0)));

  let best: { weights: Float64Array; value: number } | null = null;
  for (const start of starts) {
    if (evaluations >= maxEvaluations) break;
    const w = start.slice();
    let value = score(w);
    for (let step = initialStep; step >= minStep && evaluations < maxEvaluations; ) {
      let moved = false;
      for (let from = 0; from < dims && !moved; from++) {
        if (!free[from] || w[from]! <= 0) continue;
        for (let to = 0; to < dims && evaluations < maxEvaluations; to++) {
          if (to === from || !free[to]) continue;
          const delta = Math.min(step, w[from]!);
          const trial = w.slice();
          trial[from] = w[from]! - delta;
          trial[to] = w[to]! + delta;
          const v = score(trial);
          if (v > value) {
            w.set(trial);
            value = v;
            moved = true;
            break;
          }
        }
      }
      if (!moved) step /= 2;
    }
    if (best === null || value > best.value) best = { weights: w, value };
  }
  return { weights: normalized(best!.weights), value: best!.value, evaluations };
}

/** Rounds away the drift of repeated transfers: weights that sum to exactly 1 where they can. */
function normalized(w: Float64Array): Float64Array {
  let sum = 0;
  for (const x of w) sum += x;
  return w.map((x) => x / sum);
}
