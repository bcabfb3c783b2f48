import { pino, type Logger } from "pino";
import { parseTermZnode, TERM_ZNODE } from "../GroupMember";
import { replicationPolicyFor } from "../replicationPolicyFor";
import { termNumber } from "../termNumber";
import { SimNetwork } from "./SimNetwork";
import { SimNode, type Rec, type SimObserver } from "./SimNode";
import { SimRandom } from "./SimRandom";
import { SimScheduler } from "./SimScheduler";
import { VirtualCoordinator } from "./VirtualCoordinator";

export type SimSync = "quorum_mem" | "quorum_disk";

export interface ScheduleOptions {
  seed: number;
  /** Default: chosen by the seed. */
  sync?: SimSync;
  /** Virtual milliseconds of faults and writes before everything is healed. Default 15 s. */
  faultMs?: number;
}

export interface ScheduleResult {
  seed: number;
  sync: SimSync;
  /** The safety invariant that broke, or null. */
  violation: string | null;
  /** No single master with every acknowledged write after healing everything (not a safety break). */
  liveness: string | null;
  /** The fault schedule as executed (virtual ms, action). */
  faults: string[];
  events: number;
  writes: number;
  acked: number;
  /** Receipts given by a master after a later master had given one (see acknowledged()). */
  lateReceipts: number;
  /** Promotions finished in a term the group had already left (see served()). */
  stalePromotions: number;
  /** The last log lines of every node (for a failing seed). */
  trace: string[];
}

class Violation extends Error {}

interface Ack {
  id: number;
  node: string;
  termId: string;
  tenure: number;
  at: number;
}

const SESSION_TIMEOUT_MS = 2_000;
const SETTLE_MS = 12_000;
const TRACE_LINES = 400;

/**
 * One seeded run of the HA group under faults: three nodes (real GroupMember each), a coordinator,
 * a producer writing to whichever node serves, and a fault plan drawn from the seed — kill -9,
 * power loss, SIGSTOP, partitions (from peers, from the coordinator, or both), dropped
 * connections, latency spikes. Afterwards every fault is healed and the group must settle.
 *
 * Invariants, checked after every event:
 * - a node that becomes master (GroupMember's role) in the group's current term has every write
 *   acknowledged so far (it survived every election and truncation on the way); promotions
 *   finished in a term the group has already left are counted (see served());
 * - no two masters acknowledge in the same term, and a term's first receipt comes from a log
 *   holding every write acknowledged before (receipts a superseded master releases late are
 *   counted: they are durable, see acknowledged());
 * - after healing, the single master has every acknowledged write.
 * A write is excused only under quorum_mem and only if a crash destroyed an in-memory copy of it
 * that the policy counted (then more than the policy's one fault hit it).
 */
export async function runSchedule(opts: ScheduleOptions): Promise<ScheduleResult> {
  const rnd = new SimRandom(opts.seed);
  const sync: SimSync = opts.sync ?? (rnd.chance(0.5) ? "quorum_mem" : "quorum_disk");
  const faultMs = opts.faultMs ?? 15_000;
  const sched = new SimScheduler();
  const net = new SimNetwork(rnd, () => sched.now);
  const coordinator = new VirtualCoordinator(() => sched.now);
  const trace: string[] = [];
  const logger: Logger = pino(
    { level: "info", base: null, timestamp: () => `,"vt":${sched.now.toFixed(1)}` },
    {
      write: (line: string) => {
        trace.push(line.trimEnd());
        if (trace.length > TRACE_LINES * 2) trace.splice(0, trace.length - TRACE_LINES);
      },
    },
  );
  const faults: string[] = [];
  const note = (what: string): void => {
    faults.push(`${sched.now.toFixed(1)} ${what}`);
    logger.warn({ fault: what }, "FAULT");
  };

  const acks: Ack[] = [];
  const ackedIds = new Set<number>();
  const excused = new Set<number>();
  const termOwner = new Map<string, string>();
  const ackingTerms = new Set<string>();
  const tenureOf = new Map<string, number>();
  let tenures = 0;
  let maxAckTenure = 0;
  let lateReceipts = 0;
  let stalePromotions = 0;
  let violation: string | null = null;
  const fail = (msg: string): void => {
    if (violation === null) violation = `${msg} (virtual time ${sched.now.toFixed(1)} ms)`;
  };

  const observer: SimObserver = {
    served(node, termId) {
      // A node can finish a promotion its own stale view allowed — paused after the coordinator
      // confirmed its tenure, resumed after later terms began. Such a master is superseded before
      // it starts: no slave follows an address of an old term (and a master refuses logins for
      // another term), so it cannot acknowledge; its receipts, if any, are checked below.
      const current = parseTermZnode(coordinator.getData(`${ctx.zkPath}/${TERM_ZNODE}`)?.data ?? null);
      if (termNumber(termId) < current) {
        stalePromotions++;
        return;
      }
      const owner = termOwner.get(termId);
      if (owner !== undefined && owner !== node.name) fail(`two masters in term ${termId}: ${owner} and ${node.name}`);
      termOwner.set(termId, node.name);
      tenureOf.set(termId, ++tenures);
      const missing = acks.filter((a) => !excused.has(a.id) && !node.has(a.id));
      if (missing.length > 0) {
        const m = missing[0]!;
        fail(
          `${node.name} became master (term ${termId}) without ${missing.length} acknowledged write(s), ` +
            `e.g. #${m.id} acknowledged by ${m.node} in term ${m.termId} at ${m.at.toFixed(1)} ms`,
        );
      }
    },
    acknowledged(node, termId, id) {
      const tenure = tenureOf.get(termId) ?? 0;
      // A term belongs to the node that claimed it; its receipts may start a moment before it takes
      // the master role (promotion opens the listeners first).
      const owner = termOwner.get(termId);
      if (owner === undefined) termOwner.set(termId, node.name);
      else if (owner !== node.name) fail(`${node.name} acknowledged #${id} in term ${termId}, which belongs to ${owner}`);
      if (!ackingTerms.has(termId)) {
        // A tenure's first receipt: its log must hold every write acknowledged before.
        ackingTerms.add(termId);
        const missing = acks.filter((a) => !excused.has(a.id) && !node.has(a.id));
        if (missing.length > 0) fail(`${node.name} acknowledged in term ${termId} without ${missing.length} earlier acknowledged write(s), e.g. #${missing[0]!.id}`);
      }
      // A receipt released late by a superseded master (it was paused with the slaves' acks in
      // flight; on SIGCONT the buffered coordinator replies open its write fence) is not a loss:
      // the write is on a quorum, so every later master has it — which the checks above and at
      // every promotion verify. Counted, not failed.
      if (tenure < maxAckTenure) lateReceipts++;
      maxAckTenure = Math.max(maxAckTenure, tenure);
      if (!ackedIds.has(id)) {
        ackedIds.add(id);
        acks.push({ id, node: node.name, termId, tenure, at: sched.now });
      }
    },
    truncated(node, from, end) {
      logger.warn({ node: node.name, from, end }, "truncated");
    },
    lost(node, recs: Rec[]) {
      if (sync !== "quorum_mem") return;
      for (const r of recs) if (r.kind === "write" && ackedIds.has(r.id)) excused.add(r.id);
      void node;
    },
  };

  const nodes: SimNode[] = [];
  const ctx = {
    sched,
    net,
    rnd,
    coordinator,
    policy: replicationPolicyFor({ sync, replicas: 3, brokerRole: undefined, flushDiskType: undefined }),
    replicas: 3,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    zkPath: "/tandem/sim/g",
    logger,
    observer,
    byAddress: (address: string) => nodes.find((n) => n.address === address),
  };
  for (let i = 1; i <= 3; i++) nodes.push(new SimNode(`mq${i}`, 1, ctx));

  const tick = (): void => {
    coordinator.tick();
    sched.after(100, tick);
  };
  tick();
  for (const n of nodes) sched.after(rnd.int(0, 50), () => n.boot());

  // Producer: a write every few ms to a node that serves, now and then a burst.
  let nextId = 1;
  let writes = 0;
  let producing = true;
  const produce = (): void => {
    if (!producing) return;
    const serving = nodes.filter((n) => n.listening && n.alive && !n.proc.paused);
    if (serving.length > 0) {
      const target = rnd.pick(serving);
      const n = rnd.chance(0.03) ? rnd.int(20, 150) : 1;
      for (let i = 0; i < n; i++) if (target.write(nextId)) (nextId++, writes++);
    }
    sched.after(rnd.int(5, 60), produce);
  };
  sched.after(1000, produce);

  // The fault plan: drawn now from the seed; "the master" is resolved when a fault fires.
  const pickTarget = (): SimNode => {
    const masters = nodes.filter((n) => n.listening);
    return masters.length > 0 && rnd.chance(0.5) ? rnd.pick(masters) : rnd.pick(nodes);
  };
  const plan = rnd.int(4, 14);
  for (let i = 0; i < plan; i++) {
    const at = rnd.int(1500, faultMs - 500);
    const kind = rnd.pick(["crash", "crash", "pause", "pause", "partition", "partition", "drop", "spike"] as const);
    const length = rnd.chance(0.3) ? rnd.int(50, 800) : rnd.int(800, 6000);
    sched.at(at, () => {
      const n = pickTarget();
      switch (kind) {
        case "crash": {
          if (!n.alive) return;
          const how = sync === "quorum_disk" && rnd.chance(0.5) ? "power" : "kill9";
          note(`${how === "power" ? "power loss" : "kill -9"} ${n.name} (${n.role}), restart in ${length} ms`);
          n.crash(how);
          sched.after(length, () => {
            if (n.alive) return;
            note(`start ${n.name}`);
            n.boot();
          });
          return;
        }
        case "pause": {
          if (!n.alive || n.proc.paused) return;
          note(`SIGSTOP ${n.name} (${n.role}) for ${length} ms`);
          n.pause();
          sched.after(length, () => {
            if (!n.proc.paused) return;
            note(`SIGCONT ${n.name}`);
            n.resume();
          });
          return;
        }
        case "partition": {
          const scope = rnd.pick(["all", "peers", "coordinator"] as const);
          note(`partition ${n.name} (${n.role}) from ${scope === "all" ? "everyone" : scope} for ${length} ms`);
          net.cut(n.name, scope);
          sched.after(length, () => {
            note(`heal ${n.name}`);
            net.heal(n.name);
            for (const x of nodes) x.healed();
          });
          return;
        }
        case "drop":
          note(`drop a replication connection of ${n.name}`);
          n.dropConnection();
          return;
        case "spike":
          note(`latency spike up to ${Math.round(length / 10)} ms for ${length} ms`);
          net.spike(Math.round(length / 10), length);
          return;
      }
    });
  }

  const check = (): void => {
    const serving = nodes.filter((n) => n.listening && n.serving);
    const terms = serving.map((n) => n.serving!.termId);
    if (new Set(terms).size !== terms.length) fail(`two nodes serve the same term: ${serving.map((n) => `${n.name}:${n.serving!.termId}`).join(", ")}`);
    if (violation !== null) throw new Violation(violation);
  };

  let liveness: string | null = null;
  try {
    await sched.runUntil(faultMs, check);
    // Heal everything, let the group settle, and check the survivor.
    producing = false;
    note("heal all, resume all, start all");
    net.healAll();
    for (const n of nodes) {
      n.healed();
      if (n.proc.paused) n.resume();
      if (!n.alive) n.boot();
    }
    await sched.runUntil(faultMs + SETTLE_MS, check);
    const masters = nodes.filter((n) => n.listening);
    if (masters.length !== 1) {
      const znodes = coordinator.children(ctx.zkPath).map((z) => `${z.name}=${z.data}`);
      liveness = `${masters.length} masters ${SETTLE_MS} ms after healing (roles: ${nodes.map((n) => `${n.name}=${n.role}`).join(", ")}; znodes: ${znodes.join(" ")})`;
    } else {
      const m = masters[0]!;
      const missing = acks.filter((a) => !excused.has(a.id) && !m.has(a.id));
      if (missing.length > 0) fail(`after healing, master ${m.name} lacks ${missing.length} acknowledged write(s), e.g. #${missing[0]!.id} (acknowledged by ${missing[0]!.node} in term ${missing[0]!.termId})`);
      check();
    }
  } catch (err) {
    if (!(err instanceof Violation)) throw err;
  } finally {
    for (const n of nodes) n.crash("kill9");
  }
  return { seed: opts.seed, sync, violation, liveness, faults, events: sched.events, writes, acked: acks.length, lateReceipts, stalePromotions, trace: trace.slice(-TRACE_LINES) };
}

/** How a failing seed is shown: enough to read what happened and to replay it. */
export function describeFailure(r: ScheduleResult, testFile: string): string {
  return [
    `HA simulation seed ${r.seed} (${r.sync}): ${r.violation ?? r.liveness ?? "no violation; one master after healing"}`,
    `replay: SIM_SEED=${r.seed} node --import tsx --test ${testFile}`,
    `fault schedule:`,
    ...r.faults.map((f) => `  ${f}`),
    `writes ${r.writes}, acknowledged ${r.acked}, events ${r.events}`,
    `last log lines:`,
    ...r.trace.slice(-120).map((l) => `  ${l}`),
  ].join("\n");
}
