/**
 * Finds host transcendentals in TypeScript source: Math.exp/log/pow/tanh/… (whose last
 * bit differs between JavaScript engines and versions), any other use of `Math` that is
 * not a plain member call (`Math[name]`, `const M = Math`, destructuring), and the `**`
 * operator unless it is exact on every engine (exponent the literal 2, or 2 ** a
 * non-negative integer literal). Comments, strings, template text and regular
 * expressions are blanked first, so only code is searched; line numbers are kept.
 */
import { HOST_TRANSCENDENTALS } from "./transcendentalNames.mjs";

export interface HostMathUse {
  /** 1-based line number. */
  readonly line: number;
  /** What was found, e.g. `Math.exp` or `2 ** (octave - 4)`. */
  readonly found: string;
}

/** What may precede a regex literal (anything else before a `/` makes it a division). */
const REGEX_BEFORE = /(?:^|[(,=:[!&|?{};+\-*%<>~^]|(?:^|[^\w$])(?:return|typeof|case|in|of|delete|void|throw|new|else|do|yield|await))$/;

/**
 * `src` with the text of every comment, string, template and regex literal replaced by
 * spaces; quotes, backticks and regex slashes stay, and so do newlines.
 */
export function codeOnly(src: string): string {
  const out: string[] = [];
  const braces: ("code" | "template")[] = [];
  let i = 0;
  const blank = (c: string): string => (c === "\n" ? "\n" : " ");
  /** The last run of non-blank characters written (up to 10), to tell a regex from a division. */
  const before = (): string => {
    let k = out.length - 1,
      run = "";
    while (k >= 0 && /\s/.test(out[k]!)) k--;
    for (; k >= 0 && run.length < 10 && !/\s/.test(out[k]!); k--) run = out[k] + run;
    return run;
  };
  /** Text up to and including the closing `quote` (a newline ends an unterminated one). */
  const skipQuoted = (quote: string): void => {
    out.push(quote);
    for (i++; i < src.length && src[i] !== quote && src[i] !== "\n"; i++) {
      if (src[i] === "\\") out.push(" ", blank(src[++i] ?? ""));
      else out.push(" ");
    }
    if (i < src.length) out.push(src[i]!);
    i++;
  };
  /** Template text up to the closing backtick (false) or up to and including a `${` (true). */
  const skipTemplate = (): boolean => {
    for (; i < src.length; i++) {
      const c = src[i]!;
      if (c === "\\") {
        out.push(" ", blank(src[++i] ?? ""));
      } else if (c === "`") {
        out.push(c);
        i++;
        return false;
      } else if (c === "$" && src[i + 1] === "{") {
        out.push("$", "{");
        i += 2;
        return true;
      } else {
        out.push(blank(c));
      }
    }
    return false;
  };
  while (i < src.length) {
    const c = src[i]!,
      next = src[i + 1];
    if (c === "/" && next === "/") {
      for (; i < src.length && src[i] !== "\n"; i++) out.push(" ");
    } else if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      for (const stop = end < 0 ? src.length : end + 2; i < stop; i++) out.push(blank(src[i]!));
    } else if (c === "'" || c === '"') {
      skipQuoted(c);
    } else if (c === "`") {
      out.push(c);
      i++;
      if (skipTemplate()) braces.push("template");
    } else if (c === "/" && REGEX_BEFORE.test(before())) {
      let inClass = false;
      out.push(c);
      for (i++; i < src.length && src[i] !== "\n"; i++) {
        const r = src[i]!;
        if (r === "\\") {
          out.push(" ", blank(src[++i] ?? ""));
        } else if (r === "/" && !inClass) {
          break;
        } else {
          out.push(" ");
          if (r === "[") inClass = true;
          else if (r === "]") inClass = false;
        }
      }
      if (i < src.length) out.push(src[i]!);
      for (i++; i < src.length && /[a-z]/.test(src[i]!); i++) out.push(" ");
    } else if (c === "}" && braces.length > 0 && braces[braces.length - 1] === "template") {
      braces.pop();
      out.push(c);
      i++;
      if (skipTemplate()) braces.push("template");
    } else {
      if (c === "{") braces.push("code");
      else if (c === "}") braces.pop();
      out.push(c);
      i++;
    }
  }
  return out.join("");
}

/** Every host transcendental (and inexact `**`) in `src`, in order. */
export function findHostMath(src: string): HostMathUse[] {
  const found: HostMathUse[] = [];
  const original = src.split("\n");
  codeOnly(src)
    .split("\n")
    .forEach((text, k) => {
      for (const m of text.matchAll(/(?<![\w$.])Math\b(\s*\.\s*([A-Za-z_$][\w$]*))?/g)) {
        const member = m[2];
        if (member === undefined) found.push({ line: k + 1, found: original[k]!.slice(m.index, m.index + 10).trimEnd() });
        else if (HOST_TRANSCENDENTALS.includes(member)) found.push({ line: k + 1, found: `Math.${member}` });
      }
      for (const m of text.matchAll(/\*\*=?/g)) {
        const before = text.slice(0, m.index),
          after = text.slice(m.index + m[0].length);
        const exponent = /^\s*([^\s;,)\]}]+(?:\s*\([^)]*\))?)/.exec(after)?.[1] ?? "";
        const literalTwo = /^2(?![\w.$])/.test(exponent.trim());
        const powerOfTwo = /(?:^|[^\w$.])2\s*$/.test(before) && /^\d+(?![\w.$])/.test(exponent.trim());
        if (!literalTwo && !powerOfTwo) found.push({ line: k + 1, found: `${before.trimEnd().split(/\s/).pop()} ${m[0]} ${exponent}` });
      }
    });
  return found;
}
