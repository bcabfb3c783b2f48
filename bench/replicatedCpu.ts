// CPU per message of the replicated durable send path (issue 15), per process: standalone Tandem
// (local_disk) against a 3-node group's master and slaves (quorum_mem, quorum_disk). Wall-clock
// throughput on a shared machine moves with the neighbours' load; the CPU a process spends per
// receipted message moves much less, so this is the figure to steer the replication path by.
// All targets run side by side: each gets a warm-up, then rounds of one run of exactly RCPU_COUNT
// messages per target (reverse order every other round), /proc CPU times read around each run;
// medians are printed. Instrumentation (profiles, strace, trace counters) covers the last round.
//
// Run: node --import tsx bench/replicatedCpu.ts
// Env: RCPU_COUNT (20000), RCPU_RUNS (3), RCPU_PRODUCERS (4), RCPU_TARGETS (standalone,quorum_mem,quorum_disk),
//  RCPU_PROF_DIR=<dir>: V8 CPU profiles of every broker process over the last run (bench/cpuProfilePreload.mjs),
//  TANDEM_REPL_TRACE=1: the nodes' replication counters (frames, acks, syncs) per message, from their trace logs,
//  RCPU_BASELINE_ROOT=<checkout>: its groups too, interleaved with ours (A/B on the same machine load),
//  RCPU_PERF_DIR=<dir>: `perf record -e cpu-clock -g` of every broker process over the last round (kernel time by function),
//  RCPU_PRINT_PHASES=1 (with TANDEM_REPL_TRACE=1): the nodes' phase timings (ms) as they log them,
//  RCPU_STRACE=1: system calls per message of every broker process over the last run (strace -c -f; slows them down).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startBroker } from "../e2e/support/brokerProcess";
import { ClusterProcess } from "../e2e/support/clusterProcess";
import { readCpuSeconds } from "./procStats";

/** Kernel-mode share of a process's CPU time (fields 14, 15 of /proc/<pid>/stat), in ticks. */
function readSysTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[12]);
}
import { LOADGEN_DEFAULTS, spawnLoadgen } from "./spawnLoadgen";

const COUNT = Number(process.env.RCPU_COUNT ?? 20_000);
const RUNS = Number(process.env.RCPU_RUNS ?? 3);
const PRODUCERS = Number(process.env.RCPU_PRODUCERS ?? 4);
const TARGETS = (process.env.RCPU_TARGETS ?? "standalone,quorum_mem,quorum_disk").split(",").map((t) => t.trim());
const PROF_DIR = process.env.RCPU_PROF_DIR ? resolve(process.env.RCPU_PROF_DIR) : null;
const BASELINE_ROOT = process.env.RCPU_BASELINE_ROOT;
const BASELINE = BASELINE_ROOT
  ? ((await import(join(BASELINE_ROOT, "e2e/support/clusterProcess.ts"))) as { ClusterProcess: typeof ClusterProcess }).ClusterProcess
  : null;

interface Target {
  name: string;
  queue: string;
  port: number;
  /** Role → pid: "master" (or the standalone broker), "slave1", "slave2". */
  pids: Record<string, number>;
  /** Trace counters summed over the node logs seen so far, per role. */
  counters: Record<string, Map<string, number>>;
  stop: () => Promise<void>;
}

if (PROF_DIR) {
  mkdirSync(PROF_DIR, { recursive: true });
  // Inherited by the broker processes (ClusterProcess and startBroker pass the environment on).
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import ${join(import.meta.dirname, "cpuProfilePreload.mjs")}`.trim();
  process.env.RCPU_PROF_DIR = PROF_DIR;
}

async function standalone(): Promise<Target> {
  const b = await startBroker({ sync: "local_disk" });
  return { name: "standalone local_disk", queue: "/queue/rcpu.standalone", port: b.port, pids: { master: b.pid }, counters: {}, stop: () => b.stop() };
}

async function group(sync: "quorum_mem" | "quorum_disk", from?: typeof ClusterProcess): Promise<Target> {
  const cluster = await (from ?? ClusterProcess).start({ nodes: 3, sync });
  const counters: Record<string, Map<string, number>> = {};
  const roleOf = new Map<string, string>();
  cluster.onLog((node, l) => {
    if (l.msg !== "replication trace") return;
    const role = roleOf.get(node);
    if (!role) return;
    if (process.env.RCPU_PRINT_PHASES === "1") console.error(`rcpu: ${sync} ${role} phases ${JSON.stringify((l as { phases?: unknown }).phases)}`);
    const m = (counters[role] ??= new Map());
    for (const [k, v] of Object.entries((l as { counts?: Record<string, number> }).counts ?? {})) m.set(k, (m.get(k) ?? 0) + v);
  });
  try {
    const master = await cluster.waitForStreamingMaster(60_000);
    const pids: Record<string, number> = { master: master.proc!.child.pid! };
    roleOf.set(master.name, "master");
    cluster.nodes
      .filter((n) => n !== master)
      .forEach((n, i) => {
        pids[`slave${i + 1}`] = n.proc!.child.pid!;
        roleOf.set(n.name, `slave${i + 1}`);
      });
    const name = `${sync}${from ? " (baseline)" : ""}`;
    return { name, queue: `/queue/rcpu.${name.replace(/\W/g, "_")}`, port: master.stompPort, pids, counters, stop: () => cluster.stop() };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** strace -c -f attached to each process; stop() detaches them and returns calls per message by role. */
function straceAll(t: Target): { stop: (messages: number) => Promise<Record<string, Record<string, number>>> } {
  const runs = Object.entries(t.pids).map(([role, pid]) => {
    const out = join(tmpdir(), `rcpu-strace-${pid}.txt`);
    const child: ChildProcess = spawn("strace", ["-c", "-f", "-o", out, "-p", String(pid)], { stdio: "ignore" });
    return { role, out, child };
  });
  return {
    async stop(messages) {
      const result: Record<string, Record<string, number>> = {};
      for (const r of runs) {
        const exited = new Promise((done) => r.child.once("exit", done));
        r.child.kill("SIGINT");
        await exited;
        const calls: Record<string, number> = {};
        // strace -c table: % time, seconds, usecs/call, calls, [errors,] syscall
        for (const line of readFileSync(r.out, "utf8").split("\n")) {
          const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?([a-z_0-9]+)\s*$/.exec(line);
          if (m && m[2] !== "total") calls[m[2]!] = Math.round((Number(m[1]) / messages) * 100) / 100;
        }
        result[r.role] = calls;
      }
      return result;
    },
  };
}

const signalAll = (t: Target): void => {
  for (const pid of Object.values(t.pids)) process.kill(pid, "SIGUSR2");
};

interface RunResult {
  rate: number;
  /** Role → CPU µs per message (and `<role> sys`: its kernel-mode part). */
  cpu: Record<string, number>;
  counters?: Record<string, Record<string, number>>;
  syscalls?: Record<string, Record<string, number>>;
}

async function runOnce(t: Target, instrumented: boolean): Promise<RunResult> {
  const config = { ...LOADGEN_DEFAULTS, port: t.port, queue: t.queue, producers: PRODUCERS, receiptEvery: 1, window: 1 };
  const tracing = instrumented && process.env.TANDEM_REPL_TRACE === "1";
  // The trace logs every 5 s: after a quiet 5.5 s everything before this run has been logged.
  if (tracing) await new Promise((done) => setTimeout(done, 5500));
  if (instrumented && PROF_DIR) signalAll(t);
  const before = Object.fromEntries(Object.entries(t.counters).map(([r, m]) => [r, new Map(m)]));
  const traced = instrumented && process.env.RCPU_STRACE === "1" ? straceAll(t) : null;
  const perfs = instrumented && process.env.RCPU_PERF_DIR
    ? Object.entries(t.pids).map(([role, pid]) =>
        spawn("perf", ["record", "-q", "-e", "cpu-clock", "-g", "-p", String(pid), "-o", join(process.env.RCPU_PERF_DIR!, `${t.name.replace(/\W/g, "_")}-${role}.data`)], { stdio: "ignore" }),
      )
    : [];
  if (perfs.length) await new Promise((done) => setTimeout(done, 500));
  if (traced) await new Promise((done) => setTimeout(done, 1000)); // attached
  const cpu0 = Object.fromEntries(Object.entries(t.pids).map(([r, p]) => [r, readCpuSeconds(p)!]));
  const sys0 = Object.fromEntries(Object.entries(t.pids).map(([r, p]) => [r, readSysTicks(p)]));
  const r = await spawnLoadgen({ ...config, count: COUNT, durationMs: 600_000, warmupMs: 0 });
  const cpu1 = Object.fromEntries(Object.entries(t.pids).map(([r, p]) => [r, readCpuSeconds(p)!]));
  const sys1 = Object.fromEntries(Object.entries(t.pids).map(([r, p]) => [r, readSysTicks(p)]));
  const syscalls = traced ? await traced.stop(r.sentTotal) : undefined;
  for (const p of perfs) {
    const exited = new Promise((done) => p.once("exit", done));
    p.kill("SIGINT");
    await exited;
  }
  if (instrumented && PROF_DIR) signalAll(t);
  if (r.errors.length) console.error(`rcpu: ${t.name} errors: ${r.errors.join("; ")}`);
  const cpu: Record<string, number> = {};
  let group = 0;
  for (const role of Object.keys(t.pids)) {
    cpu[role] = ((cpu1[role]! - cpu0[role]!) * 1e6) / r.sentTotal;
    cpu[`${role} sys`] = ((sys1[role]! - sys0[role]!) * 1e4) / r.sentTotal;
    group += cpu[role]!;
  }
  if (Object.keys(t.pids).length > 1) cpu.group = group;
  let counters: RunResult["counters"];
  if (tracing) {
    await new Promise((done) => setTimeout(done, 5500));
    counters = {};
    for (const [role, m] of Object.entries(t.counters)) {
      counters[role] = {};
      for (const [k, v] of m) counters[role][k] = Math.round(((v - (before[role]?.get(k) ?? 0)) / r.sentTotal) * 1000) / 1000;
    }
  }
  return { rate: r.receiptRate, cpu, ...(counters ? { counters } : {}), ...(syscalls ? { syscalls } : {}) };
}

async function main(): Promise<void> {
  const targets: Target[] = [];
  try {
    for (const name of TARGETS) {
      targets.push(name === "standalone" ? await standalone() : await group(name as "quorum_mem" | "quorum_disk"));
      // A/B in one run: the same groups from another checkout (e.g. `git archive <commit>` with
      // node_modules linked), interleaved with ours, so the shared machine's noise hits both alike.
      if (BASELINE && name !== "standalone") targets.push(await group(name as "quorum_mem" | "quorum_disk", BASELINE));
    }
    for (const t of targets) await spawnLoadgen({ ...LOADGEN_DEFAULTS, port: t.port, queue: t.queue, producers: PRODUCERS, receiptEvery: 1, window: 1, durationMs: 3000, warmupMs: 0 });
    const results = new Map<Target, RunResult[]>(targets.map((t) => [t, []]));
    for (let run = 1; run <= RUNS; run++) {
      // Every other round in reverse order, so that neither side of an A/B always runs first.
      for (const t of run % 2 === 0 ? [...targets].reverse() : targets) {
        const r = await runOnce(t, run === RUNS);
        results.get(t)!.push(r);
        console.error(`rcpu: ${t.name} run ${run}: ${Math.round(r.rate)} msg/s, cpu µs/msg ${JSON.stringify(Object.fromEntries(Object.entries(r.cpu).map(([k, v]) => [k, Math.round(v)])))}`);
      }
    }
    const rows = targets.map((t) => {
      const rs = results.get(t)!;
      const cpu = Object.fromEntries(Object.keys(rs[0]!.cpu).map((k) => [k, Math.round(median(rs.map((r) => r.cpu[k]!)))]));
      const last = rs.at(-1)!;
      return { target: t.name, "msg/s (median, wall clock)": Math.round(median(rs.map((r) => r.rate))), ...cpu, perMessage: last.counters, syscalls: last.syscalls };
    });
    console.log(`\nCPU µs per receipted message (${PRODUCERS} producers, ${COUNT} messages × ${RUNS} runs, median; "sys": kernel-mode part)`);
    console.table(rows.map(({ perMessage: _, syscalls: __, ...r }) => r));
    if (BASELINE) {
      // Within each round: ours over the baseline's group CPU per message.
      for (const t of targets.filter((x) => x.name.endsWith("(baseline)"))) {
        const ours = targets.find((x) => x.name === t.name.replace(" (baseline)", ""))!;
        const ratios = results.get(t)!.map((b, i) => results.get(ours)![i]!.cpu.group! / b.cpu.group!);
        console.log(`${ours.name} group CPU/msg over baseline's, per round: ${ratios.map((x) => x.toFixed(2)).join(" / ")} (median ${median(ratios).toFixed(2)})`);
      }
    }
    for (const r of rows) if (r.perMessage) console.log(`${r.target} per message: ${JSON.stringify(r.perMessage)}`);
    for (const r of rows) if (r.syscalls) console.log(`${r.target} system calls per message: ${JSON.stringify(r.syscalls)}`);
    console.log(JSON.stringify({ bench: "replicatedCpu", producers: PRODUCERS, count: COUNT, rows }));
  } finally {
    for (const t of targets) await t.stop().catch((err: unknown) => console.error(`stopping ${t.name}: ${String(err)}`));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
