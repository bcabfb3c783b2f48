// The external chaos run (issue 9, "Proof, not hope"), shared by e2e/haChaos.test.ts and the
// bench soak (bench/chaosSoak.ts): a coordinator process and a 3-node group of `tandem broker`
// processes; stock stomp.py producers (a receipt per persistent send, every node's address,
// unreceipted sends sent again after reconnecting) and client-ack consumers, each recording what
// it saw; a seeded schedule of faults (kill -9 / SIGSTOP of the master, coordinator kill -9 and
// restart, the stale-tail schedule) with a bounded settle after each; then a full drain and the
// checker over everything recorded.
//
// One producer writes to a queue consumed live (acks and redeliveries cross failovers); the other
// to a queue consumed only in the final drain, so messages acknowledged just before a fault are
// still on the brokers when the fault hits (a truncated log tail shows as lost messages).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClusterProcess } from "../clusterProcess";
import { checkChaos, describeFault, formatChaosTable, type ChaosVerdict } from "./checkChaos";
import { FAULT_KINDS, type FaultKind, type FaultRecord, type RoleChange } from "./chaosRecords";
import { ChildLedger } from "./childLedger";
import { FAULTS, settle, type ChaosContext } from "./faults";
import { StompPyClient } from "./StompPyClient";

export interface ChaosOptions {
  faults: number;
  /** Seed of the fault order (printed; the same seed gives the same order). */
  seed?: number;
  /** Relative share of each fault kind; every kind with a share gets at least one fault. */
  weights?: Partial<Record<FaultKind, number>>;
  sync?: "quorum_mem" | "quorum_disk";
  /** Pause after receipts arrive before sending more, per producer. */
  producerPauseMs?: number;
  /** Sends awaiting their receipt at once, per producer. */
  window?: number;
  /** One line per fault as the run goes. */
  onProgress?: (line: string) => void;
  /** Keep the clients' record files (their directory is printed) instead of removing them. */
  keepRecords?: boolean;
}

export interface ChaosReport {
  seed: number;
  faults: FaultRecord[];
  verdict: ChaosVerdict;
  table: string;
  durationMs: number;
  recordsDir: string;
}

export const DEFAULT_WEIGHTS: Record<FaultKind, number> = { "kill-master": 4, "pause-master": 3, "coordinator-restart": 2, "stale-tail": 1 };

const LIVE = "/queue/chaos.live";
const BACKLOG = "/queue/chaos.backlog";
const SESSION_TIMEOUT_MS = 2000;

/** mulberry32: a small seeded PRNG, so a schedule can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fault kinds in run order: counts in proportion to the weights, shuffled by the seed. */
export function planFaults(count: number, seed: number, weights: Partial<Record<FaultKind, number>> = DEFAULT_WEIGHTS): FaultKind[] {
  const kinds = FAULT_KINDS.filter((k) => (weights[k] ?? 0) > 0);
  const total = kinds.reduce((s, k) => s + weights[k]!, 0);
  const counts = new Map(kinds.map((k) => [k, Math.max(1, Math.floor((count * weights[k]!) / total))]));
  let sum = [...counts.values()].reduce((s, n) => s + n, 0);
  for (let i = 0; sum < count; i = (i + 1) % kinds.length, sum++) counts.set(kinds[i]!, counts.get(kinds[i]!)! + 1);
  const plan = kinds.flatMap((k) => Array<FaultKind>(counts.get(k)!).fill(k));
  const rnd = prng(seed);
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  return plan;
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const plan = planFaults(o.faults, seed, o.weights);
  const progress = o.onProgress ?? ((): void => {});
  const started = Date.now();
  const recordsDir = await mkdtemp(join(tmpdir(), "tandem-chaos-"));
  const ledger = new ChildLedger();
  const paused = new Set<number>();
  const producers: StompPyClient[] = [];
  const consumers: StompPyClient[] = [];
  const harness: string[] = [];
  const faults: FaultRecord[] = [];
  const roleChanges: RoleChange[] = [];
  let stopping = false;
  let cluster: ClusterProcess | undefined;
  try {
    cluster = await ClusterProcess.start({ nodes: 3, sync: o.sync ?? "quorum_mem", zkSessionTimeout: `${SESSION_TIMEOUT_MS / 1000}s` });
    ledger.scan(cluster);
    cluster.onLog((node, l) => {
      if (stopping) return; // the final stop's "shutdown" is no failover
      if (l.msg === "promoted to master") roleChanges.push({ t: l.time ?? Date.now(), node, change: "promoted" });
      else if (l.msg === "stopped serving clients") roleChanges.push({ t: l.time ?? Date.now(), node, change: "stopped", reason: String(l.reason ?? "") });
    });
    await cluster.waitForSettledMaster(60_000, 1000);
    const ports = cluster.nodes.map((n) => n.stompPort);
    const client = (name: string, mode: "produce" | "consume", extra: Partial<Parameters<typeof StompPyClient.spawn>[1]>): StompPyClient =>
      StompPyClient.spawn(name, { mode, ports, out: join(recordsDir, `${name}.jsonl`), ...extra });
    consumers.push(client("c-live", "consume", { queues: [LIVE] }));
    // Several sends in flight per connection: a failover then finds receipts outstanding (what the
    // demotion path must fail cleanly) and more than one send to resend.
    const produce = { pauseMs: o.producerPauseMs ?? 20, window: o.window ?? 4 };
    producers.push(client("p0", "produce", { queue: LIVE, prefix: "p0", ...produce }));
    producers.push(client("p1", "produce", { queue: BACKLOG, prefix: "p1", ...produce }));

    const ctx: ChaosContext = {
      cluster,
      ledger,
      paused,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      receipts: receiptsWaiter(producers),
      servingPort: servingPortWaiter(producers),
    };
    await ctx.receipts(0, 50, 60_000);
    progress(`seed ${seed}; plan: ${plan.join(" ")}`);

    for (let i = 0; i < plan.length; i++) {
      const kind = plan[i]!;
      const rec: FaultRecord = { index: i, kind, victim: "?", startedAt: Date.now(), disruptedAt: Date.now(), endedAt: 0, steps: [] };
      const step = (what: string): void => {
        rec.steps.push(`+${Date.now() - rec.startedAt} ms ${what}`);
      };
      step(`start ${new Date(rec.startedAt).toISOString().slice(11, 23)}`);
      try {
        await FAULTS[kind](ctx, rec, step);
        await settle(ctx, step);
      } catch (err) {
        rec.error = (err as Error).message;
        step(`ERROR ${rec.error}`);
      }
      rec.endedAt = Date.now();
      faults.push(rec);
      progress(`${describeFault(rec)} ${rec.endedAt - rec.startedAt} ms: ${rec.steps.join("; ")}`);
      if (rec.error) {
        // One more bounded try, so the drain sees a serving group; if not, stop injecting faults.
        try {
          await settle(ctx, step);
        } catch (err) {
          harness.push(`the group did not recover after ${describeFault(rec)}: ${(err as Error).message}; remaining faults skipped`);
          break;
        }
      }
    }

    // Drain: stop producing, then read the backlog queue too.
    await Promise.all(producers.map((p) => p.stop()));
    consumers.push(client("c-drain", "consume", { queues: [BACKLOG] }));
    await drain(producers, consumers, progress);
    ledger.expectAll(cluster);
  } catch (err) {
    harness.push(`chaos run aborted: ${(err as Error).stack ?? String(err)}`);
  } finally {
    for (const pid of paused) {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        /* gone */
      }
    }
    if (cluster) ledger.expectAll(cluster);
    stopping = true;
    await Promise.all([...producers, ...consumers].map((c) => c.stop()));
    for (const c of [...producers, ...consumers]) {
      const end = c.unexpectedEnd;
      if (end) harness.push(end);
    }
    await cluster?.stop();
  }

  const verdict = checkChaos({
    producers: await Promise.all(producers.map((p) => p.events())),
    consumers: await Promise.all(consumers.map((c) => c.events())),
    faults,
    exits: ledger.exits(),
    roleChanges,
    portNames: new Map((cluster?.nodes ?? []).map((n) => [n.stompPort, n.name])),
  });
  if (harness.length > 0) {
    verdict.problems.push(...harness);
    verdict.ok = false;
  }
  // A failed run keeps the clients' records and every node's output for a closer look (the
  // directory is in the report).
  if (!verdict.ok || o.keepRecords) {
    for (const out of ledger.outputs()) await writeFile(join(recordsDir, `${out.file}.log`), out.text);
    const ports = (cluster?.nodes ?? []).map((n) => `${n.name} stomp ${n.stompPort}`).join("\n");
    await writeFile(join(recordsDir, "nodes.txt"), `${ports}\n`);
  } else await rm(recordsDir, { recursive: true, force: true });
  return { seed, faults, verdict, table: formatChaosTable(verdict), durationMs: Date.now() - started, recordsDir };
}

/** Resolves once `n` receipts arrived after `since` (from the node on `port`, if given); throws if a producer died. */
function receiptsWaiter(producers: readonly StompPyClient[]): ChaosContext["receipts"] {
  return async (since, n, timeoutMs, port) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      let count = 0;
      for (const p of producers) {
        await p.refresh();
        for (let i = p.receipts.length - 1; i >= 0 && p.receipts[i]!.t > since; i--) if (port === undefined || p.receipts[i]!.port === port) count++;
        const end = p.unexpectedEnd;
        if (end) throw new Error(end);
      }
      if (count >= n) return;
      if (Date.now() > until) throw new Error(`only ${count}/${n} receipts${port ? ` from port ${port}` : ""} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}

function servingPortWaiter(producers: readonly StompPyClient[]): ChaosContext["servingPort"] {
  return async (n, timeoutMs) => {
    const since = Date.now();
    const until = since + timeoutMs;
    for (;;) {
      const recent: Array<{ t: number; port: number }> = [];
      for (const p of producers) {
        await p.refresh();
        for (let i = p.receipts.length - 1; i >= 0 && p.receipts[i]!.t > since; i--) recent.push(p.receipts[i]!);
        const end = p.unexpectedEnd;
        if (end) throw new Error(end);
      }
      const last = recent.sort((a, b) => a.t - b.t).slice(-n);
      if (last.length === n && last.every((r) => r.port === last[0]!.port)) return last[0]!.port;
      if (Date.now() > until) throw new Error(`no node receipting steadily within ${timeoutMs} ms (${recent.length} receipts)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}

/** Waits until every acknowledged id was received, or nothing new arrived for 10 s (2 min at most). */
async function drain(producers: readonly StompPyClient[], consumers: readonly StompPyClient[], progress: (line: string) => void): Promise<void> {
  const receipted = new Set<string>();
  for (const p of producers) for (const e of await p.events()) if (e.ev === "receipt") receipted.add(e.id);
  const until = Date.now() + 120_000;
  let lastCount = -1;
  let lastChange = Date.now();
  for (;;) {
    for (const c of consumers) await c.refresh();
    const got = consumers.reduce((n, c) => n + c.delivered.size, 0);
    const missing = [...receipted].filter((id) => !consumers.some((c) => c.delivered.has(id))).length;
    if (missing === 0) return;
    if (got !== lastCount) {
      lastCount = got;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > 10_000 || Date.now() > until) {
      progress(`drain: ${missing} acknowledged ids still missing, nothing new for 10 s`);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The failure message: what broke, then the steps of every fault (the faults that preceded a loss are named in its line). */
export function formatChaosFailure(r: ChaosReport): string {
  return [
    `chaos run (seed ${r.seed}; client records in ${r.recordsDir}) found ${r.verdict.problems.length} problem(s):`,
    ...r.verdict.problems.map((p) => `- ${p}`),
    "",
    r.table,
    "",
    "faults (failover = disruption → first receipt from another node; gap = longest time without a receipt):",
    ...r.faults.map((f) => {
      const fig = r.verdict.perFault.find((p) => p.index === f.index);
      return `  ${describeFault(f)} [failover ${fig?.failoverMs ?? "-"} ms, gap ${fig?.longestGapMs ?? "-"} ms]: ${f.steps.join("; ")}`;
    }),
  ].join("\n");
}
