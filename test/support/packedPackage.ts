/**
 * The package as npm ships it, installed into a fresh consumer project without the
 * network: `npm pack` of the built repo (no scripts: the tests run after the build) into
 * a temporary directory, the tarball unpacked into the project's node_modules, and the
 * dependencies it declares — with theirs, and any the consumer adds such as @types/node —
 * linked from the repo's node_modules: the tree `npm install confluence-hft` would make.
 * Type-check such a project with `preserveSymlinks`, so that every import resolves from
 * the consumer's node_modules and nothing leaks in from the repo's.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const repo = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

interface PackedFile {
  readonly path: string;
  readonly size: number;
}

export interface PackedPackage {
  readonly tarball: string;
  /** The tarball unpacked: the package directory as a consumer's node_modules holds it. */
  readonly root: string;
  /** Bytes of the .tgz, and of its files unpacked. */
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
  /** The packed package.json. */
  readonly manifest: { readonly dependencies?: Record<string, string>; readonly [key: string]: unknown };
}

/** Packs the repo as it is built now into a temporary directory. */
export function packPackage(): PackedPackage {
  const dir = mkdtempSync(join(tmpdir(), "confluence-pack-"));
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
    cwd: repo,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [report] = JSON.parse(out) as { filename: string; size: number; unpackedSize: number; files: PackedFile[] }[];
  const tarball = join(dir, report!.filename);
  execFileSync("tar", ["xzf", tarball, "-C", dir]);
  const manifest = JSON.parse(readFileSync(join(dir, "package/package.json"), "utf8")) as PackedPackage["manifest"];
  return { tarball, root: join(dir, "package"), size: report!.size, unpackedSize: report!.unpackedSize, files: report!.files, manifest };
}

/** Links `names` and everything they depend on from the repo's node_modules into `app`'s. */
function linkDependencies(app: string, names: readonly string[]): void {
  const linked = new Set<string>();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (linked.has(name)) continue;
    linked.add(name);
    const source = join(repo, "node_modules", name);
    // a dependency npm nested inside its parent comes along with the parent's own node_modules
    if (!existsSync(source)) continue;
    const target = join(app, "node_modules", name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target, "dir");
    const manifest = JSON.parse(readFileSync(join(source, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    queue.push(...Object.keys(manifest.dependencies ?? {}));
  }
}

/**
 * A consumer project (an ES module package) with the packed package installed and its
 * dependencies, plus `extra` packages from the repo (e.g. "@types/node"); returns its directory.
 */
export function consumerProject(pkg: PackedPackage, extra: readonly string[] = []): string {
  const app = mkdtempSync(join(tmpdir(), "confluence-consumer-"));
  mkdirSync(join(app, "node_modules"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", type: "module", private: true }));
  const unpacked = mkdtempSync(join(tmpdir(), "confluence-unpacked-"));
  execFileSync("tar", ["xzf", pkg.tarball, "-C", unpacked]);
  renameSync(join(unpacked, "package"), join(app, "node_modules/confluence-hft"));
  const declared = Object.keys(pkg.manifest.dependencies ?? {});
  for (const name of declared) {
    if (!existsSync(join(repo, "node_modules", name))) throw new Error(`dependency ${name} is not installed in the repo: run npm ci`);
  }
  linkDependencies(app, [...declared, ...extra]);
  return app;
}

/** Runs the repo's TypeScript on `app` with `compilerOptions` over `files`; throws with tsc's output on an error. */
export function typeCheck(app: string, name: string, compilerOptions: Record<string, unknown>, files: readonly string[]): void {
  const config = join(app, `tsconfig.${name}.json`);
  writeFileSync(
    config,
    JSON.stringify({ compilerOptions: { noEmit: true, preserveSymlinks: true, skipLibCheck: false, ...compilerOptions }, files }),
  );
  try {
    execFileSync(join(repo, "node_modules/.bin/tsc"), ["-p", config], { cwd: app, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`tsc (${name}) failed:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}
