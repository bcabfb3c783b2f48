// Coordinator benchmark (issue 3): Tandem's coordinator against a real ZooKeeper 3.8 standalone
// server on the same machine, both with fsync on and their default tickTime (2000 ms), measured
// with the same client (Tandem's CoordinationClient on node-zookeeper-client).
//
// Per server:
// - create / setData / getData throughput with 1 and 8 clients, each client its own session,
//   PIPELINED: up to WINDOW (64) requests outstanding per client, 100-byte data;
// - getData latency p50/p99 with one client and one request outstanding (the server's own
//   latency, not queueing behind 63 others); p50/p99 under the pipelined load are shown too;
// - session-expiry detection: a child process holding an ephemeral node with session timeout T
//   is SIGKILLed; the time from the kill until a watcher on another client sees NodeDeleted.
//   The server counts T from the victim's last packet (a ping, every T/3), not from the kill,
//   and checks in tickTime steps, so the result lies in (T - T/3, T + tickTime] plus delivery.
//
// The clients run in this process; the servers are separate processes. Each scenario has a short
// warm-up (JIT on both sides) and a bounded measured window, so the whole run stays < 2 minutes.
// Run: node --import tsx bench/coordinatorBench.ts
// Env: COORD_BENCH_DURATION_MS (default 3000), COORD_BENCH_WINDOW (64), COORD_BENCH_SKIP_ZK=1,
// COORD_BENCH_ONLY=create|setData|getData|latency|expiry (one scenario, for profiling),
// COORD_BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" for Tandem's server).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pino, type Logger } from "pino";
import { CoordinationClient } from "../server/runtime/zk/CoordinationClient";
import { LatencyRecorder } from "./LatencyRecorder";
import { readCpuSeconds } from "./procStats";

const ROOT = resolve(import.meta.dirname, "..");
const DATA_SIZE = 100;
const CLIENT_COUNTS = [1, 8] as const;
/** Session timeout of the expiry victim: 2 x tickTime, the smallest both servers allow by default. */
const EXPIRY_SESSION_TIMEOUT_MS = 4000;
const WARMUP_MS = 500;
/** Both servers' default tickTime; Tandem's CLI is started without --tick-time. */
const TICK_TIME_MS = 2000;
const ZK_CLASSPATH = ["/usr/share/java/zookeeper.jar", "/usr/share/java/slf4j-simple.jar"].join(":");

interface BenchConfig {
  durationMs: number;
  window: number;
}

interface ServerUnderTest {
  name: string;
  connectString: string;
  pid: number;
  stop(): Promise<void>;
}

type OpKind = "create" | "setData" | "getData";

export interface ScenarioRow {
  server: string;
  scenario: string;
  clients: number;
  outstanding: number;
  opsPerSec: number;
  p50ms: number;
  p99ms: number;
  /** CPU of the server process during the measured window, in % of one core. */
  serverCpuPct: number;
  /** Server CPU time per operation: the cost of the hot path, less sensitive to machine load than ops/s. */
  serverCpuUsPerOp: number;
  /** CPU of this (client) process during the window: near 100 means the client is the limit. */
  clientCpuPct: number;
  errors: number;
}

export interface ExpiryRow {
  server: string;
  sessionTimeoutMs: number;
  detectedAfterMs: number;
}

/** The shape bench/run.ts collects into its summary. */
export interface CoordinatorSummaryRow {
  bench: string;
  result: string;
  target: string;
  met: string;
}

// ------------------------------------------------------------------ servers

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((done) => {
    let out = "";
    const sock = connect(port, "127.0.0.1", () => sock.write(word));
    const timer = setTimeout(() => sock.destroy(), 1000);
    sock.on("data", (d: Buffer) => (out += d.toString()));
    sock.on("error", () => undefined);
    sock.on("close", () => {
      clearTimeout(timer);
      done(out);
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const hard = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(hard);
      done();
    });
    child.kill(signal);
  });
}

/** `tandem coordinator` as a real process: fsync on (always), default tickTime. */
async function startTandem(): Promise<ServerUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-coord-bench-"));
  // Extra node flags let a profiling run give the server --cpu-prof (not allowed in NODE_OPTIONS).
  const nodeArgs = (process.env.COORD_BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", join(ROOT, "server", "cli.ts"), "coordinator", "--port", "0", "--data-dir", dir], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const listening = new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`tandem coordinator did not listen within 20 s: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const j = JSON.parse(line) as { msg?: string; port?: number };
        if (j.msg === "listening" && typeof j.port === "number") {
          clearTimeout(timer);
          resolvePort(j.port);
        }
      } catch {
        // not a log line
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`tandem coordinator exited with ${code}: ${stderr}`));
    });
  });
  const port = await listening.catch(async (err: unknown) => {
    await stopChild(child, "SIGKILL");
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    name: "tandem",
    connectString: `127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      await stopChild(child, "SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Apache ZooKeeper 3.8 standalone (one JVM), forceSync=yes (its default), tickTime 2000. */
async function startZookeeper(): Promise<ServerUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), "tandem-zk-bench-"));
  const port = await freePort();
  await mkdir(join(dir, "data"));
  await writeFile(
    join(dir, "zoo.cfg"),
    [
      `tickTime=${TICK_TIME_MS}`,
      `dataDir=${join(dir, "data")}`,
      `clientPort=${port}`,
      "clientPortAddress=127.0.0.1",
      "4lw.commands.whitelist=*",
      "admin.enableServer=false",
      "",
    ].join("\n"),
  );
  const log = createWriteStream(join(dir, "zookeeper.log"));
  // Full JIT (no TieredStopAtLevel): this JVM is measured, not just started.
  const child = spawn(
    "java",
    ["-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dzookeeper.jmx.log4j.disable=true", "-cp", ZK_CLASSPATH,
      "org.apache.zookeeper.server.ZooKeeperServerMain", join(dir, "zoo.cfg")],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const deadline = Date.now() + 60_000;
  while ((await fourLetterWord(port, "ruok")) !== "imok") {
    // The temp dir is kept on failure: its zookeeper.log is what explains it.
    if (child.exitCode !== null) throw new Error(`zookeeper exited with ${child.exitCode} (log ${join(dir, "zookeeper.log")})`);
    if (Date.now() > deadline) {
      await stopChild(child, "SIGKILL");
      throw new Error(`zookeeper did not answer ruok within 60 s (log ${join(dir, "zookeeper.log")})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name: "zookeeper-3.8",
    connectString: `127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      await stopChild(child, "SIGTERM");
      log.end();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ load

interface LoadResult {
  ops: number;
  errors: number;
  seconds: number;
  cpuSeconds: number;
  clientCpuSeconds: number;
  latency: LatencyRecorder;
  firstError: string;
}

/**
 * Runs `window` request loops per client until the deadline: each loop keeps one request
 * outstanding, so a client has up to `window` in flight (the library pipelines them on its
 * one connection and the server answers in order).
 */
async function runLoad(
  server: ServerUnderTest,
  clients: CoordinationClient[],
  window: number,
  durationMs: number,
  op: (c: CoordinationClient, client: number, loop: number, seq: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latency = new LatencyRecorder();
  let ops = 0;
  let errors = 0;
  let firstError = "";
  const cpu0 = readCpuSeconds(server.pid) ?? 0;
  const clientCpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (c: CoordinationClient, client: number, l: number): Promise<void> => {
    for (let seq = 0; performance.now() < deadline; seq++) {
      const t0 = performance.now();
      try {
        await op(c, client, l, seq);
        latency.record(performance.now() - t0);
        ops++;
      } catch (e) {
        errors++;
        firstError ||= String(e);
        if (errors > 100) return; // something is broken; do not spin
      }
    }
  };
  await Promise.all(clients.flatMap((c, i) => Array.from({ length: window }, (_, l) => loop(c, i, l))));
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (readCpuSeconds(server.pid) ?? cpu0) - cpu0;
  const clientCpu = process.cpuUsage(clientCpu0);
  const clientCpuSeconds = (clientCpu.user + clientCpu.system) / 1e6;
  return { ops, errors, seconds, cpuSeconds, clientCpuSeconds, latency, firstError };
}

/** One server with its clients and a base path of its own, ready for scenarios. */
interface Target {
  server: ServerUnderTest;
  clients: CoordinationClient[];
  base: string;
  /** Bumped before every load run, so create paths of warm-up and measured runs never collide. */
  run: number;
  ops: Record<OpKind, (c: CoordinationClient, i: number, l: number, s: number) => Promise<unknown>>;
}

async function prepareTarget(server: ServerUnderTest, log: Logger): Promise<Target> {
  const maxClients = Math.max(...CLIENT_COUNTS);
  const clients: CoordinationClient[] = [];
  const target: Target = { server, clients, base: `/bench-${Date.now().toString(36)}`, run: 0, ops: undefined as never };
  for (let i = 0; i < maxClients; i++) {
    clients.push(await CoordinationClient.connect({ connectString: server.connectString, sessionTimeoutMs: 30_000, logger: log }));
  }
  const data = Buffer.alloc(DATA_SIZE, 0x61);
  await clients[0]!.ensurePath(target.base);
  for (let i = 0; i < maxClients; i++) await clients[0]!.create(`${target.base}/n${i}`, data, "persistent");
  target.ops = {
    create: (c, i, l, s) => c.create(`${target.base}/c${target.run}-${i}-${l}-${s}`, data, "persistent"),
    setData: (c, i) => c.setData(`${target.base}/n${i}`, data, -1),
    getData: (c, i) => c.getData(`${target.base}/n${i}`),
  };
  return target;
}

async function measure(t: Target, cfg: BenchConfig, kind: OpKind, n: number, window: number, label: string, log: Logger): Promise<ScenarioRow> {
  const subset = t.clients.slice(0, n);
  t.run++;
  await runLoad(t.server, subset, window, WARMUP_MS, t.ops[kind]);
  t.run++;
  const r = await runLoad(t.server, subset, window, cfg.durationMs, t.ops[kind]);
  const [p50, p99] = r.latency.percentiles([50, 99]);
  if (r.errors > 0) log.warn({ server: t.server.name, scenario: label, errors: r.errors, first: r.firstError }, "errors during scenario");
  return {
    server: t.server.name,
    scenario: label,
    clients: n,
    outstanding: window,
    opsPerSec: Math.round(r.ops / r.seconds),
    p50ms: round3(p50!),
    p99ms: round3(p99!),
    serverCpuPct: Math.round((r.cpuSeconds / r.seconds) * 100),
    serverCpuUsPerOp: Math.round((r.cpuSeconds * 1e6) / Math.max(1, r.ops)),
    clientCpuPct: Math.round((r.clientCpuSeconds / r.seconds) * 100),
    errors: r.errors,
  };
}

// ------------------------------------------------------------------ session expiry

/** Child-process mode: hold an ephemeral node on a fresh session and wait to be killed. */
async function runVictim(connectString: string, path: string, timeoutMs: number): Promise<void> {
  const client = await CoordinationClient.connect({ connectString, sessionTimeoutMs: timeoutMs, logger: pino({ level: "silent" }) });
  await client.create(path, null, "ephemeral");
  process.stdout.write(`${JSON.stringify({ ready: true, negotiatedTimeoutMs: client.sessionTimeoutMs })}\n`);
  // Keep the session alive (the library pings) until SIGKILL.
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}

async function measureExpiry(server: ServerUnderTest, observer: CoordinationClient, path: string): Promise<ExpiryRow> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "bench", "coordinatorBench.ts"), "--victim", server.connectString, path, String(EXPIRY_SESSION_TIMEOUT_MS)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  try {
    const negotiated = await new Promise<number>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error("expiry victim did not create its node within 20 s")), 20_000);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (!line.startsWith("{")) return;
        const j = JSON.parse(line) as { ready?: boolean; negotiatedTimeoutMs?: number };
        if (j.ready) {
          clearTimeout(timer);
          resolveReady(j.negotiatedTimeoutMs ?? EXPIRY_SESSION_TIMEOUT_MS);
        }
      });
      child.once("exit", (code) => reject(new Error(`expiry victim exited with ${code}`)));
    });
    let killedAt = 0;
    const limitMs = negotiated * 3 + 10_000;
    const deleted = new Promise<number>((resolveDeleted, reject) => {
      const timer = setTimeout(() => reject(new Error(`ephemeral ${path} not deleted within ${limitMs} ms of the kill`)), limitMs);
      observer
        .exists(path, (ev) => {
          clearTimeout(timer);
          if (ev.type === "deleted") resolveDeleted(performance.now() - killedAt);
          else reject(new Error(`unexpected watch event ${ev.type} on ${path}`));
        })
        .then((stat) => {
          if (stat === null) reject(new Error(`${path} is missing before the kill`));
          killedAt = performance.now();
          child.kill("SIGKILL");
        }, reject);
    });
    const detectedAfterMs = await deleted;
    return { server: server.name, sessionTimeoutMs: negotiated, detectedAfterMs: Math.round(detectedAfterMs) };
  } finally {
    await stopChild(child, "SIGKILL");
  }
}

// ------------------------------------------------------------------ report

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function summarize(rows: ScenarioRow[], expiry: ExpiryRow[]): CoordinatorSummaryRow[] {
  const out: CoordinatorSummaryRow[] = [];
  const find = (server: string, scenario: string, clients: number): ScenarioRow | undefined =>
    rows.find((r) => r.server === server && r.scenario === scenario && r.clients === clients);
  for (const kind of ["create", "setData"] as const) {
    for (const n of CLIENT_COUNTS) {
      const t = find("tandem", kind, n);
      const z = find("zookeeper-3.8", kind, n);
      if (!t) continue;
      out.push({
        bench: `coordinator ${kind} x${n}`,
        result: `${t.opsPerSec} ops/s${z ? ` (ZooKeeper ${z.opsPerSec})` : ""}`,
        target: z ? `>= ZooKeeper (${z.opsPerSec})` : "ZooKeeper not measured",
        met: z ? (t.opsPerSec >= z.opsPerSec ? "yes" : "NO") : "-",
      });
    }
  }
  const lat = find("tandem", "getData latency (sequential)", 1);
  if (lat) out.push({ bench: "coordinator getData p99", result: `p50 ${lat.p50ms} ms p99 ${lat.p99ms} ms`, target: "p99 < 2 ms", met: lat.p99ms < 2 ? "yes" : "NO" });
  for (const e of expiry) {
    out.push({ bench: `session expiry (${e.server})`, result: `${e.detectedAfterMs} ms for timeout ${e.sessionTimeoutMs} ms`, target: "about T; at most T + tickTime", met: e.detectedAfterMs <= e.sessionTimeoutMs + TICK_TIME_MS ? "yes" : "NO" });
  }
  return out;
}

/** Runs the whole comparison, prints the tables and returns summary rows for bench/run.ts. */
export async function runCoordinatorBench(): Promise<CoordinatorSummaryRow[]> {
  const cfg: BenchConfig = {
    durationMs: Number(process.env.COORD_BENCH_DURATION_MS ?? 3000),
    window: Number(process.env.COORD_BENCH_WINDOW ?? 64),
  };
  const log = pino({ level: process.env.COORD_BENCH_LOG ?? "warn" });
  const rows: ScenarioRow[] = [];
  const expiry: ExpiryRow[] = [];
  const servers: ServerUnderTest[] = [];
  const targets: Target[] = [];
  try {
    // Both servers run for the whole bench and the scenarios alternate between them: this
    // machine is shared, and interleaving keeps background load from favouring either side.
    servers.push(await startTandem());
    if (process.env.COORD_BENCH_SKIP_ZK !== "1") servers.push(await startZookeeper());
    for (const s of servers) targets.push(await prepareTarget(s, log));
    const only = process.env.COORD_BENCH_ONLY; // one scenario, e.g. while profiling
    for (const kind of ["create", "setData", "getData"] as const) {
      if (only && only !== kind) continue;
      for (const n of CLIENT_COUNTS) for (const t of targets) rows.push(await measure(t, cfg, kind, n, cfg.window, kind, log));
    }
    if (!only || only === "latency") {
      for (const t of targets) rows.push(await measure(t, cfg, "getData", 1, 1, "getData latency (sequential)", log));
    }
    if (!only || only === "expiry") {
      // In parallel: each waits seconds for its server's session expiry, using little CPU.
      expiry.push(...(await Promise.all(targets.map((t) => measureExpiry(t.server, t.clients[0]!, `${t.base}/victim`)))));
    }
  } finally {
    await Promise.all(targets.flatMap((t) => t.clients.map((c) => c.close())));
    for (const s of servers) await s.stop();
  }
  rows.sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : 0));
  console.log(`\nCoordinator: ${DATA_SIZE}-byte data, fsync on, tickTime ${TICK_TIME_MS}; pipelined = up to ${cfg.window} outstanding per client, each client its own session; ${cfg.durationMs} ms per scenario`);
  console.table(rows);
  console.table(expiry);
  return summarize(rows, expiry);
}

if (process.argv[1]?.endsWith("coordinatorBench.ts")) {
  const victim = process.argv.indexOf("--victim");
  const main = victim >= 0
    ? runVictim(process.argv[victim + 1]!, process.argv[victim + 2]!, Number(process.argv[victim + 3]))
    : runCoordinatorBench().then((summary) => console.table(summary));
  main.catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
