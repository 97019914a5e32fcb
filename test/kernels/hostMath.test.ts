/**
 * The guard of "same bits on every engine" (DESIGN.md principle 13): no file in src/
 * uses a host transcendental (Math.exp/log/pow/tanh/…, `Math` other than a plain member
 * call, or `**` unless exact), except the few uses listed below with their reason —
 * none of them in a result that is promised identical. The scanner itself is tested on
 * source that must and must not be flagged, so the guard cannot pass vacuously.
 */
import { describe, expect, test } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { codeOnly, findHostMath } from "../support/hostMath.js";

const root = new URL("../..", import.meta.url).pathname;

/** Host math that no tested identity depends on: the line must contain `text`. */
const ALLOWED = [
  { file: "src/demo/symbolChart.ts", text: "10 ** -this.digits", reason: "display only: the price axis' tick step" },
  { file: "src/cache/redisStore.ts", text: "2 ** Math.min(attempt - 1, 30)", reason: "a reconnect delay (timing, not a result)" },
  { file: "src/pipeline/latencyHistogram.ts", text: "2 ** (octave - 4)", reason: "latency bucket edges (timing, not a result)" },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? sources(path) : /\.(ts|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

describe("no host transcendentals in src/", () => {
  test("every use is on the allowlist, and every allowlist entry is still used", () => {
    const offending: string[] = [];
    const used = new Set<number>();
    const files = sources(join(root, "src"));
    expect(files.length, "the scan sees the sources").toBeGreaterThan(100);
    for (const path of files) {
      const file = relative(root, path);
      const text = readFileSync(path, "utf8");
      const lines = text.split("\n");
      for (const use of findHostMath(text)) {
        const line = lines[use.line - 1]!;
        const allowed = ALLOWED.findIndex((a) => a.file === file && line.includes(a.text));
        if (allowed >= 0) used.add(allowed);
        else offending.push(`${file}:${use.line}: ${use.found}   (${line.trim()})`);
      }
    }
    expect(
      offending,
      "host transcendentals make results differ between engines: use Kernels.exp/log/tanh or src/kernels/js/common/transcendental.ts",
    ).toEqual([]);
    const stale = ALLOWED.filter((_, i) => !used.has(i)).map((a) => `${a.file}: ${a.text}`);
    expect(stale, "allowlist entries that match nothing any more: remove them").toEqual([]);
  });
});

describe("the scanner", () => {
  test("flags every host transcendental and inexact **, naming the line", () => {
    const src = [
      "const a = Math.exp(x);", // 1
      "const b = Math . tanh (x) + Math.sqrt(y);", // 2
      "const c = x ** 0.5, d = a ** b, e = 10 ** -2;", // 3
      "const f = Math['log'](x);", // 4
      "const { pow } = Math;", // 5
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text the scanner reads, a template literal in it
      "const g = `${Math.log2(x)} and ${`${Math.atan2(y, x)}`}`;", // 6
      "w **= n;", // 7
      "const h = x / Math.cosh(y) / 2;", // 8
    ].join("\n");
    expect(findHostMath(src).map((u) => `${u.line} ${u.found}`)).toEqual([
      "1 Math.exp",
      "2 Math.tanh",
      "3 x ** 0.5",
      "3 a ** b",
      "3 10 ** -2",
      "4 Math['log'",
      "5 Math;",
      "6 Math.log2",
      "6 Math.atan2",
      "7 w **= n",
      "8 Math.cosh",
    ]);
  });

  test("ignores comments, strings, template text and regexes; allows exact powers and Math's exact functions", () => {
    const src = [
      "// Math.exp(x) in a comment",
      "/* Math.tanh(x)",
      " ** 0.5 */",
      "const s = 'Math.log(x)' + \"2 ** x\";",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text the scanner reads, a template literal in it
      "const t = `Math.pow(2, x) ${y} ** 3`;",
      "const r = /Math\\.exp\\/ ** 2/g.test(s);",
      "const q = s.split(/\\s/).length / 2 / 3;",
      "const u = d ** 2 + 2 ** 31 - 1 + 2 ** 30 + Math.sqrt(z) + Math.abs(z) + Math.floor(z) + Math.round(z);",
      "const url = 'http://example.com'; const v = Math.max(a, b); const MathX = 1; o.Math.exp(1);",
    ].join("\n");
    expect(findHostMath(src)).toEqual([]);
    expect(codeOnly(src).split("\n")).toHaveLength(9);
  });
});
