/**
 * The scoring configuration of a command that runs the engine (`replay`, `worker`):
 * `--preset NAME` (src/confluence/config.ts PRESETS) and `--config FILE` (a JSON
 * ConfluenceConfigInput: a preset name and overrides; `--preset` replaces the file's
 * preset). Validated once, here, by resolveConfig: a file that cannot be read, is not
 * JSON, or holds a configuration the library refuses (its typed error's message) is a
 * UsageError naming the flag — before any work. Node-only.
 */
import { readFileSync } from "node:fs";
import { resolveConfig, type ConfluenceConfig, type ConfluenceConfigInput, type PresetName } from "../confluence/config.js";
import { ConfluenceError } from "../errors.js";
import { UsageError } from "./usageError.js";

export interface ScoringFlags {
  readonly preset?: PresetName;
  readonly config?: string;
}

export interface ScoringConfig {
  /** What the engine is given. */
  readonly input: ConfluenceConfigInput;
  /** What it resolves to (the actionable threshold, the windows…). */
  readonly resolved: ConfluenceConfig;
  /** In words, for the output: `preset ultraFast`, `preset default with overrides from my.json`. */
  readonly label: string;
}

const EXAMPLE = `expected a JSON object like {"preset": "ultraFast", "depth": 10}`;

function readConfigFile(path: string): ConfluenceConfigInput {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : "cannot be read";
    throw new UsageError(`--config ${path}: ${why}: ${EXAMPLE}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${path}: not valid JSON (${(e as Error).message}): ${EXAMPLE}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`--config ${path}: holds ${Array.isArray(value) ? "an array" : String(value)}: ${EXAMPLE}`);
  }
  return value as ConfluenceConfigInput;
}

export function scoringConfig(flags: ScoringFlags): ScoringConfig {
  const file = flags.config === undefined ? undefined : readConfigFile(flags.config);
  const input: ConfluenceConfigInput = { ...file, ...(flags.preset ? { preset: flags.preset } : {}) };
  let resolved: ConfluenceConfig;
  try {
    resolved = resolveConfig(input);
  } catch (e) {
    if (e instanceof ConfluenceError)
      throw new UsageError(`${flags.config === undefined ? `--preset ${flags.preset}` : `--config ${flags.config}`}: ${e.message}`);
    throw e;
  }
  const preset = input.preset ?? "default";
  return { input, resolved, label: `preset ${preset}${flags.config === undefined ? "" : ` with ${flags.config}`}` };
}
