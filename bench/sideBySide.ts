// Side by side (issue 15): Tandem, ActiveMQ 5.17 and RabbitMQ 3.10 on this machine, the same
// generator (bench/loadgen.ts, its own process), the same scenarios, interleaved: every round
// runs each scenario against every broker back to back, so the noise of a shared machine hits
// all of them alike, and ratios are taken within a round. Also in every round:
//  - the disk limit: one writer, 1 KiB write + fdatasync in a loop (bench/diskLimit.ts), and
//    1 vs 3 such writers at once on their own files (what one disk gives a 3-node group on
//    this machine: three journals flushing on the same device);
//  - the null broker (bench/nullBroker.ts): the generator's own ceiling; a figure within 20 % of
//    it is marked generator-bound;
//  - Tandem as a 3-node group (quorum_mem, quorum_disk), against standalone Tandem.
// Each broker is warmed up first (SBS_WARMUP_MS of the 4-producer load: a JVM's JIT, V8's and
// BEAM's caches) and measured bare; fsyncs per message come from a separate short pass with
// strace attached to it (fsync family; plus Tandem's O_DSYNC writes from its own counter), and
// for a Tandem group from the journals' own counters during the measured pass.
//
// Run: npm run bench -- --side-by-side   (or node --import tsx bench/sideBySide.ts)
// Installs nothing by itself: bench/installPeers.sh does (apt-get; never part of `npm test`).
// Env: SBS_ROUNDS (3), SBS_DURATION_MS (4000), SBS_WARMUP_MS (10000), SBS_FSYNC_PASS_MS (1500), SBS_SKIP_REPLICATED=1, SBS_RATE (2000),
// SBS_PEERS=0 (Tandem rows and the null broker only: no ActiveMQ/RabbitMQ), SBS_SCENARIOS=1p,4p,
// SBS_GROUPS=quorum_disk (which replicated groups), SBS_BASELINE_ROOT=<checkout> (its groups too), TANDEM_REPL_TRACE=1 (the nodes log where a
// replicated send's time goes; printed here).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ClusterProcess } from "../e2e/support/clusterProcess";
import { measureConcurrentDiskLimit, measureDiskLimit } from "./diskLimit";
import type { LoadgenConfig, LoadgenResult } from "./loadgen";
import { countFsyncsDuring, peersInstalled, startActiveMQ, startNullBroker, startRabbitMQ, startTandem, type BenchBroker } from "./peerBrokers";
import { readCpuSeconds } from "./procStats";
import { LOADGEN_DEFAULTS, spawnLoadgen } from "./spawnLoadgen";

interface Scenario {
  key: string;
  name: string;
  config: Partial<LoadgenConfig>;
}

const RATE = Number(process.env.SBS_RATE ?? 2000);

const ALL_SCENARIOS: Scenario[] = [
  { key: "1p", name: "durable, receipt each, 1 producer (strict)", config: { producers: 1, receiptEvery: 1, window: 1 } },
  { key: "4p", name: "durable, receipt each, 4 producers (strict)", config: { producers: 4, receiptEvery: 1, window: 1 } },
  { key: "rate", name: `durable, receipt each, 1 producer at ${RATE} msg/s`, config: { producers: 1, receiptEvery: 1, window: 64, rate: RATE } },
];
const ONLY = process.env.SBS_SCENARIOS?.split(",").map((k) => k.trim());
const SCENARIOS = ONLY ? ALL_SCENARIOS.filter((s) => ONLY.includes(s.key)) : ALL_SCENARIOS;

export interface SideBySideSample {
  round: number;
  scenario: string;
  broker: string;
  msgPerSec: number;
  p50: number;
  p99: number;
  p999: number;
  fsyncsPerMsg: number | null;
  /** Replicated rows: each slave's journal device flushes per message (its /metrics counter). */
  slaveFsyncsPerMsg?: number[];
  brokerCpu: number;
  /** CPU time per receipted message, µs: the broker, or a group's master and slaves together. */
  cpuUsPerMsg: number | null;
  loadgenCpu: number;
  errors: string;
}

interface Target {
  name: string;
  port: number;
  connect: Partial<LoadgenConfig>;
  pid: number | null;
  /** A single broker: its fsyncs are counted in a separate pass with strace attached. */
  broker?: BenchBroker;
  /** A Tandem group's master: device flushes so far (its journal's counter), read around the measured pass. */
  fsyncs?: () => Promise<number>;
  slaveFsyncs?: () => Promise<number[]>;
  /** A group's slave processes: their CPU counts in cpuUsPerMsg (the machine's cores are shared). */
  slavePids?: number[];
}

const FSYNC_PASS_MS = Number(process.env.SBS_FSYNC_PASS_MS ?? 1500);

async function runOne(round: number, s: Scenario, t: Target, durationMs: number): Promise<SideBySideSample> {
  const f0 = (await t.fsyncs?.()) ?? null;
  const s0 = (await t.slaveFsyncs?.()) ?? [];
  const cpu0 = t.pid === null ? null : readCpuSeconds(t.pid);
  const groupCpu = (): number | null => {
    const xs = [t.pid, ...(t.slavePids ?? [])].map((p) => (p === null ? null : readCpuSeconds(p)));
    return xs.some((x) => x === null) ? null : xs.reduce((a, x) => a! + x!, 0);
  };
  const g0 = groupCpu();
  const wall0 = Date.now();
  const queue = `/queue/sbs.${s.key}.${round}`;
  const r: LoadgenResult = await spawnLoadgen({ ...LOADGEN_DEFAULTS, durationMs, ...s.config, ...t.connect, queue, port: t.port });
  const f1 = (await t.fsyncs?.()) ?? null;
  const s1 = (await t.slaveFsyncs?.()) ?? [];
  const cpu1 = t.pid === null ? null : readCpuSeconds(t.pid);
  const g1 = groupCpu();
  const wall1 = Date.now();
  const perMsg = (a: number, b: number, sent = r.sentTotal): number => Math.round(((b - a) / sent) * 1000) / 1000;
  let fsyncsPerMsg = f0 === null || f1 === null || r.sentTotal === 0 ? null : perMsg(f0, f1);
  if (t.broker?.stores) {
    // Not the measured pass: strace attached stops the broker on every syscall.
    const traced = await countFsyncsDuring(t.broker, () =>
      spawnLoadgen({ ...LOADGEN_DEFAULTS, durationMs: FSYNC_PASS_MS, ...s.config, ...t.connect, queue: `${queue}.fsyncs`, port: t.port }),
    );
    fsyncsPerMsg = traced.result.sentTotal === 0 ? null : perMsg(0, traced.flushes, traced.result.sentTotal);
  }
  const sample: SideBySideSample = {
    round,
    scenario: s.key,
    broker: t.name,
    msgPerSec: r.receiptRate,
    p50: r.receiptP50,
    p99: r.receiptP99,
    p999: r.receiptP999,
    fsyncsPerMsg,
    ...(t.slaveFsyncs && r.sentTotal > 0 ? { slaveFsyncsPerMsg: s1.map((b, i) => perMsg(s0[i] ?? 0, b)) } : {}),
    brokerCpu: cpu0 === null || cpu1 === null ? 0 : Math.round(((cpu1 - cpu0) / ((wall1 - wall0) / 1000)) * 100) / 100,
    cpuUsPerMsg: g0 === null || g1 === null || r.sentTotal === 0 ? null : Math.round(((g1 - g0) * 1e6) / r.sentTotal),
    loadgenCpu: r.loadgenCpu,
    errors: r.errors.join("; "),
  };
  console.error(`sbs: round ${round} ${s.key} ${t.name}: ${JSON.stringify(sample)}`);
  return sample;
}

function target(b: BenchBroker): Target {
  return { name: b.name, port: b.port, connect: { virtualHost: b.virtualHost, login: b.login, passcode: b.passcode }, pid: b.pid, broker: b };
}

async function startGroup(
  sync: "quorum_mem" | "quorum_disk",
  from: { label: string; Cluster: typeof ClusterProcess } = { label: "", Cluster: ClusterProcess },
): Promise<{ cluster: ClusterProcess; target: Target }> {
  const cluster = await from.Cluster.start({ nodes: 3, sync });
  // TANDEM_REPL_TRACE=1 (inherited by the nodes): their phase timings go to our stderr.
  cluster.onLog((node, l) => {
    if (l.msg === "replication trace") console.error(`sbs: ${sync} ${node} ${JSON.stringify({ side: l.side, phases: l.phases, counts: l.counts })}`);
  });
  try {
    const master = await cluster.waitForStreamingMaster(60_000);
    // The journal's own counter (fsync/fdatasync calls plus O_DSYNC writes), per node.
    const fsyncsOf = async (node: string, adminPort: number): Promise<number> => {
      const token = (await readFile(join(cluster.dataDir, node, "admin.token"), "utf8")).trim();
      const res = await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      const m = /^tandem_journal_fsyncs_total(?:\{[^}]*\})? (\d+)/m.exec(await res.text());
      if (!m) throw new Error(`no tandem_journal_fsyncs_total in ${node}'s /metrics (HTTP ${res.status})`);
      return Number(m[1]);
    };
    const slaves = cluster.nodes.filter((n) => n !== master);
    return {
      cluster,
      target: {
        name: `Tandem 3 nodes ${sync}${from.label}`,
        port: master.stompPort,
        connect: {},
        pid: master.proc?.child.pid ?? null,
        fsyncs: () => fsyncsOf(master.name, master.adminPort),
        slaveFsyncs: () => Promise.all(slaves.map((n) => fsyncsOf(n.name, n.adminPort))),
        slavePids: slaves.map((n) => n.proc?.child.pid ?? -1),
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const r2 = (n: number): number => Math.round(n * 100) / 100;

export interface SideBySideReport {
  samples: SideBySideSample[];
  disk: Array<{
    round: number;
    writeFdatasync: number;
    writeFsync: number;
    oDsync: number;
    /** write + fdatasync loops/s of 1 writer process, then of each of 3 at once (own files, same filesystem). */
    oneWriter?: number;
    threeWritersEach?: string;
    threeWritersTotal?: number;
  }>;
  table: Array<Record<string, string | number>>;
  ratios: Array<Record<string, string | number>>;
}

export async function runSideBySide(): Promise<SideBySideReport> {
  const rounds = Number(process.env.SBS_ROUNDS ?? 3);
  const durationMs = Number(process.env.SBS_DURATION_MS ?? 4000);
  const installed = peersInstalled();
  const peers = process.env.SBS_PEERS !== "0";
  if (!installed.strace || (peers && (!installed.activemq || !installed.rabbitmq))) {
    throw new Error(`side-by-side needs ActiveMQ, RabbitMQ and strace (${JSON.stringify(installed)}): run bench/installPeers.sh first`);
  }
  const brokers: BenchBroker[] = [];
  const groups: Array<{ cluster: ClusterProcess; target: Target }> = [];
  const samples: SideBySideSample[] = [];
  const disk: SideBySideReport["disk"] = [];
  // Ctrl-C stops the peers too: they are separate processes (a JVM, an Erlang VM) that would outlive us.
  const interrupted = (): void => {
    void Promise.allSettled([...brokers.map((b) => b.stop()), ...groups.map((g) => g.cluster.stop())]).then(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    // One at a time, so that a start failing leaves the earlier ones in `brokers` to be stopped.
    for (const start of [startNullBroker, () => startTandem(), ...(peers ? [startActiveMQ, startRabbitMQ] : [])]) brokers.push(await start());
    if (process.env.SBS_SKIP_REPLICATED !== "1") {
      const wanted = (process.env.SBS_GROUPS ?? "quorum_mem,quorum_disk").split(",").map((g) => g.trim());
      for (const sync of ["quorum_mem", "quorum_disk"] as const) if (wanted.includes(sync)) groups.push(await startGroup(sync));
      // A/B in one run: the same groups from another checkout (e.g. `git archive <commit>` with
      // node_modules linked), interleaved with ours, so the shared machine's noise hits both alike.
      const baseline = process.env.SBS_BASELINE_ROOT;
      if (baseline) {
        const mod = (await import(join(baseline, "e2e/support/clusterProcess.ts"))) as { ClusterProcess: typeof ClusterProcess };
        for (const sync of ["quorum_mem", "quorum_disk"] as const) {
          if (wanted.includes(sync)) groups.push(await startGroup(sync, { label: " (baseline)", Cluster: mod.ClusterProcess }));
        }
      }
    }
    const targets = [...brokers.map(target), ...groups.map((g) => g.target)];
    // Warm-up, unmeasured: every broker's first seconds of load run cold code (ActiveMQ's JIT
    // took ~20 s to reach its pace: 1,438 → 2,489 msg/s over three 4 s runs).
    const warmupMs = Number(process.env.SBS_WARMUP_MS ?? 10_000);
    for (const t of warmupMs > 0 ? targets : []) {
      const w = await spawnLoadgen({ ...LOADGEN_DEFAULTS, durationMs: warmupMs, producers: 4, receiptEvery: 1, window: 1, ...t.connect, queue: "/queue/sbs.warmup", port: t.port });
      console.error(`sbs: warm-up ${t.name}: ${w.receiptRate} msg/s`);
    }
    for (let round = 1; round <= rounds; round++) {
      const d = measureDiskLimit(1500);
      const row: SideBySideReport["disk"][number] = { round, writeFdatasync: d.writeFdatasync, writeFsync: d.writeFsync, oDsync: d.oDsync };
      if (groups.length > 0) {
        // Same mechanism (separate processes) for 1 and 3, so only the number of writers differs;
        // one writer before and after the three (their mean), as other tenants' I/O drifts.
        const before = await measureConcurrentDiskLimit(1, 1500);
        const three = await measureConcurrentDiskLimit(3, 1500);
        const afterwards = await measureConcurrentDiskLimit(1, 1500);
        const oneWriter = Math.round((before.total + afterwards.total) / 2);
        Object.assign(row, { oneWriter, threeWritersEach: three.perWriter.join(" / "), threeWritersTotal: three.total });
      }
      disk.push(row);
      console.error(`sbs: round ${round} disk limit ${JSON.stringify(row)}`);
      // Every other round runs the targets in reverse order, so that neither side of an A/B
      // (ours vs SBS_BASELINE_ROOT's groups) always runs first, right after the same neighbour.
      const order = round % 2 === 0 ? [...targets].reverse() : targets;
      for (const s of SCENARIOS) {
        for (const t of order) {
          if (t.name.startsWith("Tandem 3 nodes") && s.key === "rate") continue;
          samples.push(await runOne(round, s, t, durationMs));
        }
      }
    }
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    for (const b of brokers) await b.stop().catch((err: unknown) => console.error(`stopping ${b.name}: ${String(err)}`));
    for (const g of groups) await g.cluster.stop().catch((err: unknown) => console.error(`stopping a group: ${String(err)}`));
  }
  return { samples, disk, ...summarize(samples, disk) };
}

function summarize(samples: SideBySideSample[], disk: SideBySideReport["disk"]): Pick<SideBySideReport, "table" | "ratios"> {
  const table: SideBySideReport["table"] = [];
  const ratios: SideBySideReport["ratios"] = [];
  const byRound = (scenario: string, broker: string): Map<number, SideBySideSample> =>
    new Map(samples.filter((x) => x.scenario === scenario && x.broker === broker).map((x) => [x.round, x]));
  const brokers = [...new Set(samples.map((x) => x.broker))];
  for (const s of SCENARIOS) {
    const nul = byRound(s.key, "null broker");
    for (const b of brokers) {
      const xs = [...byRound(s.key, b).values()];
      if (xs.length === 0) continue;
      const rate = median(xs.map((x) => x.msgPerSec));
      const ceiling = median([...nul.values()].map((x) => x.msgPerSec));
      table.push({
        scenario: s.name,
        broker: b,
        "msg/s (median)": Math.round(rate),
        "msg/s per round": xs.map((x) => x.msgPerSec).join(" / "),
        "p50 ms": r2(median(xs.map((x) => x.p50))),
        "p99 ms": r2(median(xs.map((x) => x.p99))),
        "p99.9 ms": r2(median(xs.map((x) => x.p999))),
        "fsyncs/msg": xs[0]!.fsyncsPerMsg === null ? "-" : r2(median(xs.map((x) => x.fsyncsPerMsg ?? 0))),
        "slave fsyncs/msg": xs[0]!.slaveFsyncsPerMsg ? xs[0]!.slaveFsyncsPerMsg.map((_, i) => r2(median(xs.map((x) => x.slaveFsyncsPerMsg?.[i] ?? 0)))).join(" / ") : "-",
        "broker cpu": r2(median(xs.map((x) => x.brokerCpu))),
        "cpu µs/msg (all nodes)": xs[0]!.cpuUsPerMsg === null ? "-" : Math.round(median(xs.map((x) => x.cpuUsPerMsg ?? 0))),
        note: b !== "null broker" && s.key !== "rate" && rate >= 0.8 * ceiling ? "generator-bound" : xs.some((x) => x.errors) ? xs.map((x) => x.errors).join("; ") : "",
      });
    }
    // Ratios within each round, then their median (and range).
    const tandem = byRound(s.key, "Tandem");
    const pairs: Array<[string, Map<number, SideBySideSample>, Map<number, SideBySideSample>]> = [
      ["Tandem / ActiveMQ 5.17", tandem, byRound(s.key, "ActiveMQ 5.17")],
      ["Tandem / RabbitMQ 3.10", tandem, byRound(s.key, "RabbitMQ 3.10")],
      ["quorum_mem / standalone Tandem", byRound(s.key, "Tandem 3 nodes quorum_mem"), tandem],
      ["quorum_disk / standalone Tandem", byRound(s.key, "Tandem 3 nodes quorum_disk"), tandem],
      ["quorum_disk / ActiveMQ 5.17", byRound(s.key, "Tandem 3 nodes quorum_disk"), byRound(s.key, "ActiveMQ 5.17")],
      ["baseline quorum_mem / standalone Tandem", byRound(s.key, "Tandem 3 nodes quorum_mem (baseline)"), tandem],
      ["baseline quorum_disk / standalone Tandem", byRound(s.key, "Tandem 3 nodes quorum_disk (baseline)"), tandem],
    ];
    const metric = (x: SideBySideSample): number => (s.key === "rate" ? x.p99 : x.msgPerSec);
    for (const [name, a, b] of pairs) {
      const rs: number[] = [];
      for (const [round, x] of a) {
        const y = b.get(round);
        if (y && metric(y) > 0) rs.push(s.key === "rate" ? metric(y) / metric(x) : metric(x) / metric(y));
      }
      if (rs.length === 0) continue;
      ratios.push({ scenario: s.name, ratio: s.key === "rate" ? `${name} (p99: other's p99 / ours)` : name, median: r2(median(rs)), "per round": rs.map(r2).join(" / ") });
    }
    if (s.key === "4p") {
      // What one disk gives a group: each of 3 concurrent writers' flush rate over one writer's.
      // 1 means three journals flush in parallel at full speed; 1/3 that they share one flush rate.
      const share = new Map(
        disk.filter((d) => d.oneWriter && d.threeWritersTotal).map((d) => [d.round, d.threeWritersTotal! / 3 / d.oneWriter!]),
      );
      if (share.size > 0) {
        const xs = [...share.values()];
        ratios.push({ scenario: s.name, ratio: "disk: each of 3 writers / 1 writer (write+fdatasync)", median: r2(median(xs)), "per round": xs.map(r2).join(" / ") });
        const qd = byRound(s.key, "Tandem 3 nodes quorum_disk");
        const rel: number[] = [];
        for (const [round, x] of qd) {
          const y = tandem.get(round);
          const d = share.get(round);
          if (y && d && y.msgPerSec > 0) rel.push(x.msgPerSec / y.msgPerSec / Math.min(1, d));
        }
        if (rel.length) ratios.push({ scenario: s.name, ratio: "quorum_disk / standalone, over min(1, that disk share)", median: r2(median(rel)), "per round": rel.map(r2).join(" / ") });
      }
    }
    if (s.key === "1p") {
      const rs: number[] = [];
      for (const d of disk) {
        const x = tandem.get(d.round);
        if (x && d.writeFdatasync > 0) rs.push(x.msgPerSec / d.writeFdatasync);
      }
      if (rs.length) ratios.push({ scenario: s.name, ratio: "Tandem / disk limit (write+fdatasync loop)", median: r2(median(rs)), "per round": rs.map(r2).join(" / ") });
      const ds: number[] = [];
      for (const d of disk) {
        const x = tandem.get(d.round);
        if (x && d.oDsync > 0) ds.push(x.msgPerSec / d.oDsync);
      }
      if (ds.length) ratios.push({ scenario: s.name, ratio: "Tandem / disk limit (O_DSYNC write loop)", median: r2(median(ds)), "per round": ds.map(r2).join(" / ") });
      // One producer waits for each receipt before it sends again, so its loop is the durable
      // write plus a round trip through the generator and the socket; the null broker's 1p rate
      // measures that round trip (a broker that does no work) in the same round. No serial
      // producer can beat 1 / (write time + round trip): this is how close the rest of the path is.
      const bs: number[] = [];
      for (const d of disk) {
        const x = tandem.get(d.round);
        const n = nul.get(d.round);
        if (x && n && d.writeFdatasync > 0 && n.msgPerSec > 0) bs.push(x.msgPerSec / (1 / (1 / d.writeFdatasync + 1 / n.msgPerSec)));
      }
      if (bs.length) ratios.push({ scenario: s.name, ratio: "Tandem / serial bound (1 / (write+fdatasync + null broker round trip))", median: r2(median(bs)), "per round": bs.map(r2).join(" / ") });
    }
  }
  return { table, ratios };
}

export function printSideBySide(r: SideBySideReport): void {
  console.log("\nDisk limit (1 KiB records, durable each; oneWriter/threeWriters*: write + fdatasync loops in 1 or 3 processes at once), per round");
  console.table(r.disk);
  console.log("\nSide by side (medians over rounds)");
  console.table(r.table);
  console.log("\nRatios (within each round)");
  console.table(r.ratios);
  console.log(JSON.stringify({ bench: "sideBySide", ...r }));
}

if (process.argv[1]?.endsWith("sideBySide.ts")) {
  runSideBySide()
    .then(printSideBySide)
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
