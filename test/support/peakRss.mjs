// Preloaded with `node --import`: at exit, writes the process's peak resident set size (bytes)
// to the file named by PEAK_RSS_FILE — how tests check a command's memory bound.
import { writeFileSync } from "node:fs";

process.on("exit", () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));
