// The chaos run's nemesis: the faults it injects into a running group of real processes, and the
// bounded wait for the group to settle between two faults. Each fault says what it did (steps with
// times) so a failure can be traced to it.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { RawStompClient } from "../RawStompClient";
import { waitFor, type ClusterProcess, type LogLine, type NodeHandle } from "../clusterProcess";
import type { FaultKind, FaultRecord } from "./chaosRecords";
import type { ChildLedger } from "./childLedger";

export interface ChaosContext {
  cluster: ClusterProcess;
  ledger: ChildLedger;
  /** The coordinator session timeout the nodes were given, in ms. */
  sessionTimeoutMs: number;
  /** Resolves once `n` receipts arrived after `since` from the node on `port` (any node if absent). */
  receipts(since: number, n: number, timeoutMs: number, port?: number): Promise<void>;
  /** The STOMP port of the node receipting now: the last `n` receipts (after the call) all came from it. */
  servingPort(n: number, timeoutMs: number): Promise<number>;
  /** PIDs currently SIGSTOPped by the nemesis (resumed whatever happens, on cleanup). */
  paused: Set<number>;
}

export type Step = (what: string) => void;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function alive(n: NodeHandle): boolean {
  return !!n.proc && n.proc.child.exitCode === null && n.proc.child.signalCode === null;
}

async function kill9(ctx: ChaosContext, n: NodeHandle): Promise<void> {
  ctx.ledger.expect(n.proc?.child.pid);
  await ctx.cluster.kill9(n.name);
}

function pause(ctx: ChaosContext, n: NodeHandle): void {
  const pid = n.proc!.child.pid!;
  ctx.paused.add(pid);
  process.kill(pid, "SIGSTOP");
}

function resume(ctx: ChaosContext, n: NodeHandle): void {
  const pid = n.proc?.child.pid;
  if (pid === undefined || !ctx.paused.delete(pid)) return;
  try {
    process.kill(pid, "SIGCONT");
  } catch {
    /* already gone */
  }
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await dirBytes(p) : await stat(p).then((s) => s.size, () => 0);
  }
  return total;
}

/**
 * The master the clients are really using: the node their receipts come from. The nodes' role log
 * lines alone can mislead: a line travels on a pipe apart from the clients' sockets, and a master
 * that stops serving logs it only once its demotion has finished.
 */
async function servingMaster(ctx: ChaosContext, timeoutMs = 30_000): Promise<NodeHandle> {
  const port = await ctx.servingPort(5, timeoutMs);
  const m = ctx.cluster.nodes.find((n) => n.stompPort === port);
  if (!m || !alive(m)) throw new Error(`receipts come from port ${port}, which is no running node`);
  return m;
}

/** The single master promoted at or after `since` (by its own log), once there is one. */
async function newMaster(ctx: ChaosContext, since: number, timeoutMs = 30_000): Promise<NodeHandle> {
  let found: NodeHandle | undefined;
  await waitFor(
    () => {
      const ms = ctx.cluster.masters().filter((m) => (lastRoleLine(m, "promoted to master")?.time ?? 0) >= since);
      found = ms.length === 1 ? ms[0] : undefined;
      return found !== undefined;
    },
    timeoutMs,
    () => `no master elected within ${timeoutMs} ms (masters: ${ctx.cluster.masters().map((m) => m.name).join(",") || "none"})`,
  );
  return found!;
}

/** kill -9 of the master, restarted at once (it may rejoin before or after the election). */
async function killMaster(ctx: ChaosContext, rec: FaultRecord, step: Step): Promise<void> {
  const m = await servingMaster(ctx);
  Object.assign(rec, { victim: m.name, disruptedAt: Date.now(), downPort: m.stompPort });
  await kill9(ctx, m);
  step(`kill -9 master ${m.name}`);
  // The restart (a cold process start, seconds on a loaded machine) overlaps the election; its
  // outcome is handled where the promise is made, so a failed start is never an unhandled rejection.
  let restartError: unknown;
  const restarted = ctx.cluster.startNode(m.name).then(
    () => step(`${m.name} restarted`),
    (err: unknown) => {
      restartError = err;
    },
  );
  try {
    const next = await newMaster(ctx, rec.disruptedAt);
    step(`${next.name} elected`);
  } finally {
    await restarted;
  }
  if (restartError) throw restartError;
}

/** SIGSTOP of the master for longer than the session timeout, then SIGCONT: it must step down, not exit. */
async function pauseMaster(ctx: ChaosContext, rec: FaultRecord, step: Step): Promise<void> {
  const m = await servingMaster(ctx);
  Object.assign(rec, { victim: m.name, disruptedAt: Date.now(), downPort: m.stompPort });
  pause(ctx, m);
  step(`SIGSTOP master ${m.name}`);
  try {
    await sleep(ctx.sessionTimeoutMs + 1000);
  } finally {
    resume(ctx, m);
  }
  step(`SIGCONT ${m.name}`);
}

/** kill -9 of the coordinator; restarted on the same port and data directory after a short outage. */
async function restartCoordinator(ctx: ChaosContext, rec: FaultRecord, step: Step): Promise<void> {
  Object.assign(rec, { victim: "coordinator", disruptedAt: Date.now() });
  ctx.ledger.expect(ctx.cluster.coordinator?.child.pid);
  await ctx.cluster.killCoordinator();
  step("kill -9 coordinator");
  await sleep(2000);
  await ctx.cluster.startCoordinator(60_000);
  rec.backAt = Date.now();
  ctx.ledger.scan(ctx.cluster);
  step("coordinator restarted");
}

/**
 * Issue 9's defect-1 schedule: the master M gets a long tail nobody acknowledged while both slaves
 * are frozen; M dies; a slave A is elected and acknowledges messages (replicated to B); A dies and
 * M returns. Only one node is down at the end, so everything A acknowledged must survive: M's
 * longer log must not win over B's later term.
 */
async function staleTail(ctx: ChaosContext, rec: FaultRecord, step: Step): Promise<void> {
  const { cluster } = ctx;
  const m = await servingMaster(ctx);
  rec.victim = m.name;
  const slaves = cluster.nodes.filter((n) => n !== m);
  const journal = join(cluster.dataDir, m.name, "journal");
  const before = await dirBytes(journal);
  const tail = 2 * 1024 * 1024;
  let raw: RawStompClient | undefined;
  try {
    raw = await RawStompClient.connect({ port: m.stompPort });
    for (const s of slaves) pause(ctx, s);
    step(`SIGSTOP slaves ${slaves.map((s) => s.name).join(",")}`);
    // Persistent SENDs without receipts: M journals them but can never get them acknowledged.
    const body = Buffer.alloc(64 * 1024, "t");
    for (let i = 0; i < tail / body.length; i++) {
      raw.frame("SEND", [["destination", "/queue/chaos.unacknowledged"], ["persistent", "true"]], body);
    }
    await Promise.race([raw.waitDrain(), sleep(5000)]);
    const until = Date.now() + 10_000;
    while ((await dirBytes(journal)) - before < tail * 0.75 && Date.now() < until) await sleep(50);
    step(`${m.name} journaled ${(((await dirBytes(journal)) - before) / 1048576).toFixed(1)} MiB nobody acknowledged`);
  } finally {
    raw?.destroy();
  }
  const killedAt = Date.now();
  await kill9(ctx, m);
  step(`kill -9 ${m.name}`);
  for (const s of slaves) resume(ctx, s);
  step("SIGCONT slaves");
  const a = await newMaster(ctx, killedAt);
  step(`${a.name} elected`);
  const since = Date.now();
  await ctx.receipts(since, 200, 30_000, a.stompPort);
  step(`${a.name} receipted 200 messages`);
  Object.assign(rec, { victim: `${m.name}+${a.name}`, disruptedAt: Date.now(), downPort: a.stompPort });
  await kill9(ctx, a);
  step(`kill -9 ${a.name}`);
  await cluster.startNode(m.name);
  step(`old master ${m.name} restarted with its unacknowledged tail`);
}

/** Each fault fills in its record (victim, disruption) as it goes, so a fault that fails half-way is still described. */
export const FAULTS: Record<FaultKind, (ctx: ChaosContext, rec: FaultRecord, step: Step) => Promise<void>> = {
  "kill-master": killMaster,
  "pause-master": pauseMaster,
  "coordinator-restart": restartCoordinator,
  "stale-tail": staleTail,
};

function lastRoleLine(n: NodeHandle, msg: string): LogLine | undefined {
  const logs = n.proc?.logs ?? [];
  for (let i = logs.length - 1; i >= 0; i--) if (logs[i]!.msg === msg) return logs[i];
  return undefined;
}

/**
 * Bounded wait for a full, serving group: every dead node restarted (a node that died on its own is
 * in the ledger already), receipts flowing from one master, and every other node replicating from
 * it since its promotion (a demoted master must have rejoined as its slave). A node that dies meanwhile (a paused master can
 * take a moment after SIGCONT to do so) is restarted and the wait starts over, a few times at most.
 */
export async function settle(ctx: ChaosContext, step: Step): Promise<void> {
  const { cluster } = ctx;
  for (const n of cluster.nodes) resume(ctx, n);
  for (let round = 1; ; round++) {
    const coord = cluster.coordinator;
    if (coord && (coord.child.exitCode !== null || coord.child.signalCode !== null)) {
      await cluster.startCoordinator(60_000);
      step("coordinator restarted (it had exited)");
    }
    for (const n of cluster.nodes) {
      if (!alive(n)) {
        await cluster.startNode(n.name);
        step(`${n.name} restarted`);
      }
    }
    ctx.ledger.scan(cluster);
    const master = await servingMaster(ctx, 60_000);
    const promotedAt = lastRoleLine(master, "promoted to master")?.time ?? 0;
    const attached = (n: NodeHandle): boolean => {
      const r = lastRoleLine(n, "replicating from master");
      return n === master || (!!r && (r.time ?? 0) >= promotedAt && r.master === master.name);
    };
    await waitFor(
      () => cluster.nodes.every((n) => attached(n) || !alive(n)),
      45_000,
      () => `slaves did not attach to ${master.name} within 45 s (${cluster.nodes.filter((n) => !attached(n)).map((n) => n.name).join(",")} not attached)`,
    );
    if (cluster.nodes.some((n) => !alive(n))) {
      if (round >= 3) throw new Error(`nodes keep dying: ${cluster.nodes.filter((n) => !alive(n)).map((n) => n.name).join(",")}`);
      step(`${cluster.nodes.filter((n) => !alive(n)).map((n) => n.name).join(",")} died while settling`);
      continue;
    }
    step(`settled: ${master.name} master (receipting), slaves attached`);
    return;
  }
}
