// Cold start: the median wall time of N whole-process runs of a command (stdout discarded), e.g.
//   node scripts/coldStart.mjs 10 node dist/cli.js replay data/binance-spot-btcusdt-2024-08-08.jsonl.gz
// (what bench/RESULTS.md quotes). Every run is a fresh process: module loading, wasm instantiation
// and the work itself, as a user starting the command sees it.
import { spawnSync } from "node:child_process";

const [n, ...command] = process.argv.slice(2);
if (!(Number(n) >= 1) || command.length === 0) {
  console.error("usage: node scripts/coldStart.mjs RUNS COMMAND [ARGS…]");
  process.exit(2);
}
const times = [];
for (let i = 0; i < Number(n); i++) {
  const t0 = performance.now();
  const run = spawnSync(command[0], command.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  times.push(performance.now() - t0);
  if (run.status !== 0) {
    console.error(`${command.join(" ")} exited ${run.status}: ${String(run.stderr).trim()}`);
    process.exit(1);
  }
}
times.sort((a, b) => a - b);
const ms = (t) => Math.round(t);
console.log(
  JSON.stringify({
    command: command.join(" "),
    runs: times.length,
    // an even count: the mean of the two middle runs
    medianMs: ms(times.length % 2 ? times[times.length >> 1] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2),
    minMs: ms(times[0]),
    maxMs: ms(times.at(-1)),
  }),
);
