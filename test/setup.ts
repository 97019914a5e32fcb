/**
 * Test-wide settings. Property tests explore new random cases on every local run; under
 * CI (CI=true) they use one fixed seed, so a CI result is reproducible and a red run can
 * be replayed exactly.
 */
import fc from "fast-check";

if (process.env.CI === "true") fc.configureGlobal({ seed: 20261124 });
