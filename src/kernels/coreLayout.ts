/**
 * The confluence core's components and output slots, and the names an update gives them,
 * generated from assembly/confluence/coreSpec.json by scripts/build.mjs (the AssemblyScript
 * core reads the same numbers from assembly/generated/coreLayout.ts). This module is where
 * the TypeScript side imports them from.
 */
export * from "./generated/coreLayout.js";
