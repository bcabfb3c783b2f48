// `npm run bench`: journal micro-benchmark (if present), the broker throughput scenarios and the
// backlog/RSS run, then one summary table. BACKLOG_MESSAGES (default 1,000,000) sizes the
// backlog run; BENCH_SKIP_BACKLOG=1 skips it; BENCH_DURATION_MS bounds each throughput scenario.
// The chaos soak (CHAOS_SOAK_FAULTS faults, default 200: tens of minutes) runs last;
// BENCH_SKIP_CHAOS=1 skips it. `npm run bench -- --side-by-side` runs only the comparison with
// ActiveMQ and RabbitMQ (bench/sideBySide.ts; bench/installPeers.sh installs them).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { runBacklogBench } from "./backlog";
import { runThroughputBench } from "./brokerThroughput";
import { runCoordinatorBench } from "./coordinatorBench";
import { runConsoleBench } from "./consoleBench";

const ROOT = resolve(import.meta.dirname, "..");

interface SummaryRow {
  bench: string;
  result: string;
  target: string;
  met: string;
}

/** journalBench.ts belongs to the store's owner and prints its own table; run it as it is. */
function runJournalBench(): Promise<number | null> {
  const file = join(ROOT, "bench", "journalBench.ts");
  if (!existsSync(file)) return Promise.resolve(null);
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: ROOT, stdio: "inherit" });
    child.once("exit", (code) => done(code));
  });
}

async function main(): Promise<void> {
  if (process.argv.includes("--side-by-side")) {
    // Issue 15's comparison with ActiveMQ and RabbitMQ; its own tables (bench/sideBySide.ts).
    await import("./sideBySide").then(({ printSideBySide, runSideBySide }) => runSideBySide().then(printSideBySide));
    return;
  }
  const summary: SummaryRow[] = [];
  const journal = await runJournalBench();
  summary.push({ bench: "journal", result: journal === null ? "absent" : journal === 0 ? "ran (table above)" : `failed (exit ${journal})`, target: "-", met: "-" });

  const rows = await runThroughputBench();
  console.table(rows);
  for (const r of rows) {
    summary.push({
      bench: r.scenario,
      result: `${r.msgPerSec} msg/s, ${r.latency} p50 ${r.p50ms} ms p99 ${r.p99ms} ms${r.errors ? ` [${r.errors}]` : ""}`,
      target: `>= ${r.target} msg/s`,
      met: r.msgPerSec >= r.target ? "yes" : "NO",
    });
  }

  summary.push(...(await runCoordinatorBench()));
  if (process.env.BENCH_SKIP_CONSOLE !== "1") summary.push(...(await runConsoleBench()));
  summary.push(...(await (await import("./electionPushBench")).runElectionPushBench()));
  if (process.env.BENCH_SKIP_BRIDGE !== "1") summary.push(...(await (await import("./bridgeBench")).runBridgeBench()));
  if (process.env.BENCH_SKIP_ROCKETMQ !== "1") {
    for (const r of await (await import("./rocketmqBench")).runRocketmqBench()) {
      summary.push({ bench: `same nodes: ${r.protocol}`, result: `send ${r.sendMsgPerSec} msg/s (p50 ${r.sendP50ms} ms), pull ${r.pullMsgPerSec} msg/s`, target: "-", met: "-" });
    }
  }
  if (process.env.BENCH_SKIP_FAILOVER !== "1") summary.push(...(await (await import("./failoverBench")).runFailoverBench()));
  if (process.env.BENCH_SKIP_FAILOVER !== "1") summary.push(...(await (await import("./coordinatorOutageBench")).runCoordinatorOutageBench()));

  if (process.env.BENCH_SKIP_BACKLOG === "1") {
    summary.push({ bench: "backlog", result: "skipped (BENCH_SKIP_BACKLOG=1)", target: "-", met: "-" });
  } else {
    const b = await runBacklogBench();
    console.table([b]);
    summary.push({
      bench: `backlog ${b.messages} x 1 KiB`,
      result: `max RSS ${b.maxRssMB} MB (produce ${b.maxRssProduceMB}, drain ${b.maxRssDrainMB}); produce ${b.produceSeconds} s (${b.produceRate}/s), drain ${b.drainSeconds} s (${b.drainRate}/s), consumed ${b.consumed}${b.errors.length ? ` [${b.errors.join("; ")}]` : ""}`,
      target: `RSS < ${b.targetRssMB} MB`,
      met: b.maxRssMB < b.targetRssMB && b.consumed === b.messages ? "yes" : "NO",
    });
  }
  if (process.env.BENCH_SKIP_CHAOS === "1") summary.push({ bench: "chaos soak", result: "skipped (BENCH_SKIP_CHAOS=1)", target: "-", met: "-" });
  else summary.push(...(await (await import("./chaosSoak")).runChaosSoak()));
  console.log("\nSummary");
  console.table(summary);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
