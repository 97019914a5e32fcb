/**
 * What `confluence fit`'s weight search maximises over the training captures (fitWeights.ts):
 * `mean`, the mean rank IC (each capture counts once); `worst-gain`, the smallest gain of the
 * score's IC over the capture's own top-of-book imbalance. Its own module so the CLI's flag
 * parsing names the choices without loading the fit.
 */
export const FIT_OBJECTIVES = ["mean", "worst-gain"] as const;
export type FitObjective = (typeof FIT_OBJECTIVES)[number];
