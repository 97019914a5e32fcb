/**
 * The `confluence` command line, defined with commander: the commands, every flag with
 * its help and an example, `--help`/`-h` on every command, `confluence help [command]`,
 * `--version`/`-V`, `--flag=value`, short flags for the common ones, and a did-you-mean
 * for a mistyped command or flag. Only the definitions live here: each command's work is
 * imported when that command runs, so `replay` never loads Redis, threads or the demo
 * server, and `--help` loads none of them. A usage mistake becomes a UsageError (one
 * line, exit 2; main.ts). Node-only.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, type CommanderError } from "commander";
import { PRESETS, type PresetName } from "../confluence/config.js";
import { FIT_OBJECTIVES, type FitObjective } from "../fit/objective.js";
import { COMPONENT_NAMES, type ComponentName } from "../kernels/coreLayout.js";
import { checkCaptures } from "./checkCaptures.js";
import { duration, durationList, integerIn, listOf, oneOf, symbolName } from "./flagParsers.js";
import { scoringConfig } from "./scoringConfig.js";
import { UsageError } from "./usageError.js";

/** Paths in the package: dist/ holds the bundles (this module included), data/ the captures beside it. */
const PACKAGE_JSON = new URL("../package.json", import.meta.url);
const BUNDLED_CAPTURE = "binance-spot-btcusdt-2024-08-08.jsonl.gz";
const BTC = `data/${BUNDLED_CAPTURE}`,
  ETH = "data/binance-spot-ethusdt-2024-08-08.jsonl.gz";

const BACKENDS = ["wasm", "js"] as const;
const MARKETS = ["spot", "usdm", "coinm"] as const;
const CAPTURES_HELP =
  "market data files — captures (`<receive time, ns> <Binance JSON>` a line, as data/ holds), raw Binance websocket lines, tardis.dev CSV, Binance public trades CSV; plain, gzip or zip, told apart by content — or - for standard input";
const SYMBOL_HELP =
  "the symbol of input that names none (a Binance public trades CSV piped in or renamed; otherwise from the file or zip entry name)";
const MERGE_HELP =
  "merge the files by receive time, each keeping its order, instead of reading them one after another (files recorded side by side: tardis.dev's incremental_book_L2, trades and quotes of one day)";
const DEPTH_SPEEDS = ["100ms", "0ms"] as const;
const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

const REDIS_CLUSTER_HELP =
  "a Redis Cluster instead of --redis: its seed nodes host:port,host:port,… (one reachable node is enough; masters Redis 6.2 or later)";

/** The worker's numeric flags (ClusterWorker validates the values; commander names each value after its flag: leaseMs, claimIdleMs…, the options' own names). */
const WORKER_NUMBERS: readonly (readonly [string, string])[] = [
  ["--lease-ms <ms>", "how long a symbol stays owned without renewal (default 5000)"],
  ["--claim-idle-ms <ms>", "how long a dead worker's pending entries must be idle before they are claimed (default: --lease-ms)"],
  ["--exit-when-idle-ms <ms>", "stop after this long without work (default: run until stopped)"],
  ["--batch <n>", "entries per read and per commit (default 500)"],
  ["--score-ttl-ms <ms>", "time to live of the latest score cf:score:{SYMBOL} (default 60000)"],
  ["--max-symbols <n>", "symbols this worker owns at most (default 1000)"],
  ["--max-entry-bytes <n>", "input entries larger than this are malformed, not read whole (default 1048576)"],
  ["--checkpoint-every <n>", "checkpoint each symbol's engine every n input entries; the input stream is trimmed behind (default 10000)"],
  ["--checkpoint-ms <ms>", "... or every ms milliseconds while entries arrive, whichever comes first (default 60000)"],
  ["--out-maxlen <n>", "the output stream cf:out:{SYMBOL} keeps about n score updates (XADD MAXLEN ~); 0 keeps all (default 1000000)"],
];

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Commander's own message (`error: unknown option '--jsn'\n(Did you mean --json?)`) as one line. */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, "")
    .replace(/\n\(Did you mean (.*)\?\)/, " (did you mean $1?)")
    .replace(/\s*\n\s*/g, " ")
    .replace(/\.$/, "");
}

/**
 * Help and --version pass through as they are (main.ts exits 0, or 2 for the help shown
 * because no command was given); any other complaint of commander's is a UsageError
 * pointing at the command's help.
 */
function failWith(command: Command): (err: CommanderError) => never {
  return (err) => {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") throw err;
    const path = command.parent ? `confluence ${command.name()}` : "confluence";
    throw new UsageError(`${oneLine(err.message)}; see '${path} --help'`);
  };
}

/** A subcommand with the program's output settings and its own usage-error handling. */
function subcommand(program: Command, name: string): Command {
  const command = program.command(name).helpOption("-h, --help", "print this help and exit");
  return command.exitOverride(failWith(command));
}

/** Shared wording of the scoring flags of replay, evaluate and worker. */
function addScoringFlags(command: Command): Command {
  return command
    .option(
      "-p, --preset <name>",
      `scoring preset: ${PRESET_NAMES.join(" or ")} (src/confluence/config.ts; without it the --config file's preset, else default)`,
      oneOf("--preset", PRESET_NAMES),
    )
    .option(
      "-c, --config <file>",
      'scoring configuration as JSON: a preset and overrides, e.g. {"preset": "ultraFast", "depth": 10}; --preset replaces its preset',
    );
}

const examples = (lines: string[]): string => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;

export function createProgram(): Command {
  const version = (JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version: string }).version;
  const program = new Command("confluence")
    .description(
      "Market data in, trading scores out: replay Binance captures through the confluence engine, score them on a Redis cluster, or watch the dashboard.",
    )
    .version(version, "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: () => {} })
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      "after",
      `${examples([
        `confluence replay ${BTC} ${ETH}`,
        `confluence replay ${BTC} --json > summary.json`,
        `confluence evaluate ${BTC} ${ETH}`,
        "confluence help replay",
      ])}\nExit status: 0 done, 1 the work failed (one line on stderr saying why), 2 a usage error.\n`,
    );
  program.exitOverride(failWith(program));

  const replayCommand = subcommand(program, "replay")
    .summary("replay captures through the engine and report per symbol")
    .description(
      "Replays recorded Binance captures through the streaming engine and reports, per symbol, the mid, the spread and the time covered, " +
        "the latest score with what it means and the decision it leads to; then the engine's throughput and latency. Several files are one " +
        "stream, read in the order given. Reads captures, raw Binance websocket lines, tardis.dev CSV (trades, quotes, incremental_book_L2, " +
        "book_snapshot_5/25) and Binance public trades/aggTrades CSV, plain, gzip or zip, told apart by their content; the summary says per " +
        "file which format and which clock (the recorded receive time, or the exchange time where a format records none).",
    )
    .argument("<captures...>", CAPTURES_HELP)
    .option("-s, --symbol <name>", SYMBOL_HELP, symbolName("--symbol"))
    .option("-m, --merge", MERGE_HELP)
    .option("-j, --json", "print one JSON object { symbols, input } instead of the table (docs/replay-summary.schema.json)")
    .option("-o, --out <file>", "write every score update to <file>, one JSON line each")
    .option("-r, --report <file>", "write an HTML report with charts, markers of the actionable decisions and a summary table to <file>")
    .option(
      "-b, --backend <name>",
      "kernels: wasm (SIMD where the engine has it) or js; the results are the same",
      oneOf("--backend", BACKENDS),
      "wasm",
    )
    .option(
      "-w, --workers <n>",
      "spread the symbols over n worker threads, 1 to 256 (same results; one symbol never uses more than one)",
      integerIn("--workers", 1, 256),
    );
  addScoringFlags(replayCommand)
    .addHelpText(
      "after",
      examples([
        `confluence replay ${BTC} ${ETH}`,
        `confluence replay ${BTC} --preset ultraFast --report report.html`,
        `confluence replay ${BTC} -o scores.jsonl --config my-weights.json`,
        `zcat ${BTC} | confluence replay - --json`,
        "confluence replay --merge binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz binance_trades_2024-08-08_BTCUSDT.csv.gz",
      ]),
    )
    .action(
      async (
        captures: string[],
        flags: {
          json?: true;
          out?: string;
          report?: string;
          backend: "wasm" | "js";
          workers?: number;
          symbol?: string;
          merge?: true;
          preset?: PresetName;
          config?: string;
        },
      ) => {
        checkCaptures(captures);
        const scoring = scoringConfig(flags);
        const { replay } = await import("./replay.js");
        await replay(
          {
            files: captures,
            json: flags.json === true,
            backend: flags.backend,
            scoring,
            ...(flags.out ? { out: flags.out } : {}),
            ...(flags.report ? { report: flags.report } : {}),
            ...(flags.workers ? { workers: flags.workers } : {}),
            ...(flags.symbol ? { symbol: flags.symbol } : {}),
            ...(flags.merge ? { merge: true } : {}),
          },
          out,
        );
      },
    );

  const evaluateCommand = subcommand(program, "evaluate")
    .summary("measure the score against the market: IC by horizon against baselines")
    .description(
      "Replays each capture through the engine and measures the score against what the mid price did next: for each horizon the " +
        "Spearman IC of the score, its components, the composite bias and four one-line baselines (top-of-book imbalance, top-5 levels, " +
        "OFI over 10 quotes, trade volume delta over 50 trades) — and with --multi-timeframe the multi-timeframe composite — with the forward mid move on the local receive clock, with 95% block-bootstrap " +
        "intervals and t-statistics on non-overlapping samples; the partial IC of the score given the best baseline; hit rates overall, " +
        "when actionable and by confidence decile; and how often the decision changes side. Each file is a capture of its own (per file " +
        "and symbol), and all of them are also pooled.",
    )
    .argument("<captures...>", CAPTURES_HELP)
    .option("-s, --symbol <name>", SYMBOL_HELP, symbolName("--symbol"))
    .option(
      "-H, --horizons <list>",
      "forward horizons, comma-separated, with units ms, s or m (each > 0, at most 1h)",
      durationList("--horizons"),
      [100, 1000, 5000, 30_000],
    )
    .option("-m, --merge", MERGE_HELP)
    .option(
      "--multi-timeframe",
      "also measure the multi-timeframe composite (1 s, 5 s, 30 s and 5 min bar analyzers, MultiTimeframeScorer) at each update",
    )
    .option("-j, --json", "print the report as one JSON object instead of the table (docs/evaluate-report.schema.json)")
    .option("-r, --report <file>", "write an HTML report: IC by horizon, hit rate by confidence decile, turnover")
    .option(
      "--replicates <n>",
      "bootstrap replicates for the intervals, 1 to 100000 (default 1000; fewer is faster and coarser)",
      integerIn("--replicates", 1, 100_000),
      1000,
    )
    .option(
      "-w, --workers <n>",
      "compute each capture's report and the pooled one on n worker threads, 1 to 256 (the same report; at most one a report)",
      integerIn("--workers", 1, 256),
    );
  addScoringFlags(evaluateCommand)
    .addHelpText(
      "after",
      examples([
        `confluence evaluate ${BTC} ${ETH}`,
        `confluence evaluate data/binance-*.jsonl.gz --preset ultraFast --horizons 100ms,1s,5s,30s`,
        `confluence evaluate ${BTC} --json > evaluation.json`,
        `confluence evaluate ${BTC} ${ETH} --report eval.html --config my-weights.json`,
        `confluence evaluate data/binance-*.jsonl.gz --multi-timeframe --horizons 1s,5s,30s`,
        `confluence evaluate data/binance-*.jsonl.gz --workers 2 --json > evaluation.json`,
      ]),
    )
    .action(
      async (
        captures: string[],
        flags: {
          horizons: number[];
          json?: true;
          report?: string;
          replicates: number;
          symbol?: string;
          merge?: true;
          multiTimeframe?: true;
          workers?: number;
          preset?: PresetName;
          config?: string;
        },
      ) => {
        checkCaptures(captures);
        const scoring = scoringConfig(flags);
        const { evaluateCommand } = await import("./evaluateCommand.js");
        await evaluateCommand(
          {
            files: captures,
            horizonsMs: flags.horizons,
            replicates: flags.replicates,
            json: flags.json === true,
            scoring,
            ...(flags.merge ? { merge: true } : {}),
            ...(flags.multiTimeframe ? { multiTimeframe: true } : {}),
            ...(flags.report ? { report: flags.report } : {}),
            ...(flags.symbol ? { symbol: flags.symbol } : {}),
            ...(flags.workers ? { workers: flags.workers } : {}),
          },
          out,
        );
      },
    );

  const fitCommandSpec = subcommand(program, "fit")
    .summary("fit a preset to captures: component weights, calibrated confidence, thresholds")
    .description(
      "Replays each capture under the base configuration with every component it may weigh (--components) weighted and fits the " +
        "component weights (non-negative, summing to 1) that maximise --objective: the mean rank IC of the score against the forward mid " +
        "move at --horizon, or its worst gain over the top-of-book imbalance across captures; by time-blocked cross-validation " +
        "across captures: each time block of each capture is scored with weights fitted on the other captures, outside those minutes. " +
        "Then calibrates confidence as the probability that the score's side matches the move (isotonic on signal strength), sets the " +
        "actionable threshold so that --actionable-share of the training updates pass it, and the urgency grades at quantiles of what the " +
        "fitted preset produces. Prints in-sample and out-of-sample IC against the top-of-book imbalance; --out writes the preset, which " +
        "replay, evaluate and worker load with --config. Reads each file twice (no standard input).",
    )
    .argument("<captures...>", "two or more capture files (`<receive time, ns> <Binance JSON>` a line, as data/ holds)")
    .requiredOption("-H, --horizon <duration>", "the horizon to fit for, with a unit: 100ms, 1s, 5s…", (text: string) => {
      const values = durationList("--horizon")(text);
      if (values.length !== 1) throw new UsageError(`--horizon ${text}: expected one duration, like 1s`);
      return values[0]!;
    })
    .option("-o, --out <file>", "write the fitted preset as a JSON configuration file (load it with --config)")
    .option("-j, --json", "print the fit as one JSON object instead of the table")
    .option(
      "--objective <name>",
      "what the weights maximise over the training captures: mean (the mean IC) or worst-gain (the smallest gain of IC over the " +
        "capture's top-of-book imbalance: weights that add to the touch on every market)",
      oneOf("--objective", FIT_OBJECTIVES),
      "mean" as FitObjective,
    )
    .option(
      "--components <names>",
      `the components the fit may weigh, comma-separated (the rest get 0): ${COMPONENT_NAMES.join(", ")}; default all`,
      listOf("--components", COMPONENT_NAMES),
    )
    .option("--blocks <n>", "time blocks per capture in the cross-validation, 1 to 20", integerIn("--blocks", 1, 20), 3)
    .option(
      "--actionable-share <percent>",
      "the share of training updates the fitted threshold marks actionable, 1 to 99 (%)",
      integerIn("--actionable-share", 1, 99),
      30,
    );
  addScoringFlags(fitCommandSpec)
    .addHelpText(
      "after",
      examples([
        "confluence fit data/binance-*.jsonl.gz --horizon 1s --out my-preset.json",
        `confluence replay ${BTC} --config my-preset.json`,
        "confluence fit data/binance-*.jsonl.gz --horizon 100ms --preset ultraFast --json > fit.json",
      ]),
    )
    .action(
      async (
        captures: string[],
        flags: {
          horizon: number;
          out?: string;
          json?: true;
          objective: FitObjective;
          components?: ComponentName[];
          blocks: number;
          actionableShare: number;
          preset?: PresetName;
          config?: string;
        },
      ) => {
        checkCaptures(captures);
        if (captures.includes("-")) throw new UsageError("fit reads each capture twice: give files, not - (standard input)");
        if (captures.length < 2) throw new UsageError("fit needs two or more captures: it fits on some and checks on the others");
        const scoring = scoringConfig(flags);
        const { fitCommand } = await import("./fitCommand.js");
        await fitCommand(
          {
            files: captures,
            horizonMs: flags.horizon,
            objective: flags.objective,
            ...(flags.components ? { components: flags.components } : {}),
            blocks: flags.blocks,
            actionableShare: flags.actionableShare / 100,
            json: flags.json === true,
            scoring,
            ...(flags.out ? { out: flags.out } : {}),
          },
          out,
        );
      },
    );

  const worker = subcommand(program, "worker")
    .summary("score symbols from Redis Streams as one worker of a group")
    .description(
      "Runs one worker of a consumer group: takes a share of the symbols published to Redis Streams, scores them and writes the score " +
        "updates back (README: Scale-out with Redis Streams). Progress goes to stderr; on SIGTERM/SIGINT, or after --exit-when-idle-ms without " +
        "work, it stops gracefully and prints one JSON line: its consumer name and per-symbol counts.",
    )
    .option("-r, --redis <url>", "the Redis server: redis://[user:password@]host[:port][/db] (Redis 6.2 or later)")
    .option("--redis-cluster <nodes>", REDIS_CLUSTER_HELP)
    .requiredOption("-g, --group <name>", "the consumer group; workers of one group share the symbols")
    .option("-b, --backend <name>", "kernels: wasm or js", oneOf("--backend", BACKENDS), "wasm");
  addScoringFlags(worker);
  for (const [flag, help] of WORKER_NUMBERS) worker.option(flag, help);
  worker
    .addHelpText(
      "after",
      examples([
        "confluence worker --redis redis://127.0.0.1:6379 --group scores",
        "confluence worker -r redis://10.0.0.5:6379/2 -g scores --preset ultraFast --exit-when-idle-ms 10000",
        "confluence worker --redis-cluster 10.0.0.5:7000,10.0.0.6:7000,10.0.0.7:7000 --group scores",
      ]),
    )
    .action(
      async (
        flags: Record<string, string | undefined> & {
          group: string;
          backend: "wasm" | "js";
          preset?: PresetName;
          config?: string;
        },
      ) => {
        const scoring = scoringConfig(flags);
        const { workerCommand } = await import("./workerCommand.js");
        await workerCommand(flags, scoring.input);
      },
    );

  const liveCommand = subcommand(program, "live")
    .summary("score a live Binance market: a view per symbol, JSON lines, a recording")
    .description(
      "Connects to Binance's public streams (trades, depth diffs, best quotes of every symbol on one connection), keeps each book right " +
        "with the documented REST snapshot procedure (a fresh snapshot after a gap, reconnect with backoff after a drop, a planned " +
        "reconnect before the 24-hour limit) and scores each symbol as replay does. Shows a view per symbol that refreshes in place " +
        "(mid, spread, score, confidence, decision, events/s, book state, latency from exchange time to score) until Ctrl-C.",
    )
    .argument("<symbols...>", "Binance symbols, e.g. BTCUSDT ETHUSDT (futures: ETHUSDT, COIN-M: ETHUSD_PERP)")
    .option("-m, --market <market>", "spot, usdm (USD-M futures) or coinm (COIN-M futures)", oneOf("--market", MARKETS), "spot")
    .option(
      "--depth-speed <speed>",
      "depth diff stream: 100ms, or 0ms (futures only: every update)",
      oneOf("--depth-speed", DEPTH_SPEEDS),
      "100ms",
    )
    .option("-j, --json", "print every score update as a JSON line instead of the view")
    .option("-o, --out <file>", "also write every score update to <file>, one JSON line each (gzip when it ends in .gz)")
    .option(
      "--record <file>",
      "record what arrives, snapshots included, in the capture format that replay reads (gzip when it ends in .gz)",
    )
    .option("--redis <url>", "also publish every event to the Redis input streams of the scale-out, as publish does")
    .option("--redis-cluster <nodes>", "the same on a Redis Cluster: its seed nodes host:port,host:port,…")
    .option("--endpoint <url>", "the WebSocket base URL (a testnet, a proxy, a local fake exchange)")
    .option("--rest-endpoint <url>", "the REST base URL the depth snapshots and the server time come from")
    .option("--duration <time>", "stop after this long (e.g. 30s, 5m, 8h); default: at Ctrl-C", duration("--duration", 7 * 24 * 3_600_000))
    .option("--refresh <time>", "how often the view is redrawn", duration("--refresh", 3_600_000), 1000)
    .option("-b, --backend <name>", "kernels: wasm or js; the results are the same", oneOf("--backend", BACKENDS), "wasm");
  addScoringFlags(liveCommand)
    .addHelpText(
      "after",
      examples([
        "confluence live BTCUSDT ETHUSDT",
        "confluence live ETHUSDT --market usdm --depth-speed 0ms --preset ultraFast",
        "confluence live BTCUSDT --record btcusdt.jsonl.gz --duration 10m    # then: confluence replay btcusdt.jsonl.gz",
        "confluence live BTCUSDT --json | jq .score",
      ]),
    )
    .action(
      async (
        symbols: string[],
        flags: {
          market: (typeof MARKETS)[number];
          depthSpeed: (typeof DEPTH_SPEEDS)[number];
          json?: true;
          out?: string;
          record?: string;
          redis?: string;
          redisCluster?: string;
          endpoint?: string;
          restEndpoint?: string;
          duration?: number;
          refresh: number;
          backend: "wasm" | "js";
          preset?: PresetName;
          config?: string;
        },
      ) => {
        if (flags.market === "spot" && flags.depthSpeed === "0ms")
          throw new UsageError(
            "--depth-speed 0ms: Binance spot has no 0ms depth stream: expected 100ms (0ms is for futures: --market usdm or coinm)",
          );
        const scoring = scoringConfig(flags);
        const { live } = await import("./live.js");
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
        try {
          await live(
            {
              symbols,
              market: flags.market,
              depthSpeed: flags.depthSpeed,
              scoring,
              backend: flags.backend,
              json: flags.json === true,
              refreshMs: flags.refresh,
              ...(flags.out ? { out: flags.out } : {}),
              ...(flags.record ? { record: flags.record } : {}),
              ...(flags.redis !== undefined ? { redis: flags.redis } : {}),
              ...(flags.redisCluster !== undefined ? { redisCluster: flags.redisCluster } : {}),
              ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
              ...(flags.restEndpoint ? { restEndpoint: flags.restEndpoint } : {}),
              ...(flags.duration !== undefined ? { durationMs: flags.duration } : {}),
            },
            { stdout: out, tty: process.stdout.isTTY === true, signal: stop.signal },
          );
        } finally {
          process.off("SIGINT", onSignal);
          process.off("SIGTERM", onSignal);
        }
      },
    );

  subcommand(program, "publish")
    .summary("publish captures into Redis Streams, one stream per symbol")
    .description(
      "Reads capture files as one stream and appends every event to its symbol's Redis input stream (cf:in:{SYMBOL}), where workers " +
        "pick them up; prints the events published per symbol and in total. Publishing twice appends twice.",
    )
    .argument("<captures...>", CAPTURES_HELP)
    .option("-r, --redis <url>", "the Redis server: redis://[user:password@]host[:port][/db]")
    .option("--redis-cluster <nodes>", REDIS_CLUSTER_HELP)
    .option("--batch <n>", "events per Redis script call, per symbol, 1 to 100000", integerIn("--batch", 1, 100_000), 1000)
    .option(
      "--max-in-flight <n>",
      "events held (queued or not yet confirmed by Redis) before reading waits for Redis, 1 to 10000000: the memory bound",
      integerIn("--max-in-flight", 1, 10_000_000),
      100_000,
    )
    .option("-s, --symbol <name>", SYMBOL_HELP, symbolName("--symbol"))
    .addHelpText(
      "after",
      examples([
        "confluence publish --redis redis://127.0.0.1:6379 data/binance-spot-*.jsonl.gz",
        `zcat ${BTC} | confluence publish -r redis://127.0.0.1:6379 -`,
        "confluence publish --redis-cluster 10.0.0.5:7000,10.0.0.6:7000 data/binance-spot-*.jsonl.gz",
      ]),
    )
    .option("-m, --merge", MERGE_HELP)
    .action(
      async (
        captures: string[],
        flags: { redis?: string; redisCluster?: string; batch: number; maxInFlight: number; symbol?: string; merge?: true },
      ) => {
        checkCaptures(captures);
        const { publishCommand } = await import("./publish.js");
        await publishCommand(captures, flags);
      },
    );

  subcommand(program, "kernels")
    .summary("run every kernel on both backends over a capture, side by side")
    .description(
      "Loads a capture, runs every kernel over it on the WASM and the JS backend, and prints the results (which must agree) and the " +
        "median time per call of each: a quick check of this machine.",
    )
    .argument("[capture]", `a capture file, or - for standard input (default: the bundled ${BUNDLED_CAPTURE})`)
    .addHelpText("after", examples(["confluence kernels", `confluence kernels ${ETH}`]))
    .action(async (capture: string | undefined) => {
      const file = capture ?? fileURLToPath(new URL(`../data/${BUNDLED_CAPTURE}`, import.meta.url));
      checkCaptures([file]);
      const { kernelsReport } = await import("./kernelsReport.js");
      await kernelsReport(file, out);
    });

  subcommand(program, "demo")
    .summary("serve the live dashboard on 127.0.0.1")
    .description(
      "Serves the browser dashboard: it replays the bundled spot captures (or a capture you drop on the page) through the engine in a " +
        "Web Worker, with live charts, the components, the decision and the engine's speed in the browser. Listens on 127.0.0.1 only; Ctrl-C stops it.",
    )
    .option("--port <n>", "the port, 0 to 65535; 0 picks a free one", integerIn("--port", 0, 65_535), 0)
    .addHelpText("after", examples(["confluence demo", "confluence demo --port 8080"]))
    .action(async (flags: { port: number }) => {
      const { demoCommand } = await import("./demoServer.js");
      await demoCommand(flags.port, out);
    });

  subcommand(program, "help")
    .summary("print the help of a command")
    .argument("[command]", "the command: replay, evaluate, fit, worker, publish, kernels or demo")
    .action(async (name: string | undefined) => {
      if (name === undefined) return program.help();
      const command = program.commands.find((c) => c.name() === name);
      if (command) return command.help();
      // an unknown name: commander's own complaint, did-you-mean included, as for `confluence NAME`
      await program.parseAsync([name], { from: "user" });
    });

  return program;
}
