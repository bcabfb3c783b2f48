import type { Logger } from "pino";
import type { LiveEvents } from "../../LiveEvents";
import type { HaView, NodeInfo } from "../../../runtime/admin/adminResponses";
import type { AdminClient } from "../../admin/AdminClient";
import type { NodeInfoAnswer } from "../ClusterRuntime";

/** What a drain needs of the cluster (ClusterRuntime provides it). */
export interface DrainCluster {
  node(name: string): { name: string; group: string };
  masterOf(group: string): string | null;
  nodeInfo(name: string, maxAgeMs?: number): Promise<NodeInfoAnswer>;
  readonly admin: Pick<AdminClient, "handover">;
}

export type DrainState = "running" | "done" | "failed" | "cancelled";
export type DrainPhase = "checking" | "waiting-for-slave" | "handing-over" | "waiting-for-election" | "waiting-for-clients" | "finished";

export interface DrainJob {
  node: string;
  group: string;
  roleAtStart: string;
  state: DrainState;
  phase: DrainPhase;
  /** 0..1, by phase (the steps are short; what takes time is waiting for the cluster). */
  progress: number;
  startedAt: number;
  finishedAt: number | null;
  previousMaster: string | null;
  newMaster: string | null;
  note: string | null;
  error: string | null;
  steps: Array<{ at: number; message: string }>;
}

export interface DrainManagerOptions {
  cluster: DrainCluster;
  live: LiveEvents;
  logger: Logger;
  /** How long to wait for a slave to catch up, the election, and the clients to leave. */
  timeoutMs?: number;
  pollMs?: number;
}

const PROGRESS: Record<DrainPhase, number> = {
  checking: 0.05,
  "waiting-for-slave": 0.2,
  "handing-over": 0.4,
  "waiting-for-election": 0.65,
  "waiting-for-clients": 0.85,
  finished: 1,
};

type HaSlave = HaView["slaves"][number];

/**
 * Drains run as background jobs, one per node, their progress pushed to browsers (invalidate
 * ["drain"]). A master's drain is a planned handover: the node stops taking clients, a slave
 * acknowledges the whole journal, the node rejoins as a slave and the group elects the caught-up
 * slave. Done means: the group has another master and the node serves no clients. Cancel works
 * until the handover request is sent; after that the node has already stepped down.
 */
export class DrainManager {
  private readonly jobs = new Map<string, DrainJob & { cancel: boolean }>();
  private readonly timeoutMs: number;
  private readonly pollMs: number;

  constructor(private readonly o: DrainManagerOptions) {
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.pollMs = o.pollMs ?? 250;
  }

  status(node: string): DrainJob | null {
    const j = this.jobs.get(node);
    return j ? this.view(j) : null;
  }

  /** Starts a drain; refuses a second one on the same node while the first runs. */
  start(node: string): DrainJob {
    const spec = this.o.cluster.node(node);
    const running = this.jobs.get(node);
    if (running?.state === "running") throw new DrainConflict(`a drain of ${node} is already running`);
    const job: DrainJob & { cancel: boolean } = {
      node, group: spec.group, roleAtStart: "unknown", state: "running", phase: "checking", progress: PROGRESS.checking,
      startedAt: Date.now(), finishedAt: null, previousMaster: this.o.cluster.masterOf(spec.group), newMaster: null,
      note: null, error: null, steps: [], cancel: false,
    };
    this.jobs.set(node, job);
    this.step(job, `drain of ${node} started`);
    void this.run(job).catch((err: unknown) => this.finish(job, "failed", null, (err as Error).message));
    return this.view(job);
  }

  cancel(node: string): DrainJob {
    const j = this.jobs.get(node);
    if (!j || j.state !== "running") throw new DrainConflict(`no drain of ${node} is running`);
    if (j.phase !== "checking" && j.phase !== "waiting-for-slave") {
      throw new DrainConflict(`${node} has already handed over mastership; the drain can no longer be cancelled`);
    }
    j.cancel = true;
    this.step(j, "cancel requested");
    return this.view(j);
  }

  private view(j: DrainJob & { cancel?: boolean }): DrainJob {
    const { cancel: _c, ...rest } = j;
    return { ...rest, steps: [...rest.steps] };
  }

  private step(j: DrainJob, message: string, phase?: DrainPhase): void {
    if (phase) {
      j.phase = phase;
      j.progress = PROGRESS[phase];
    }
    j.steps.push({ at: Date.now(), message });
    this.o.logger.info({ node: j.node, phase: j.phase }, message);
    this.o.live.publish({ type: "invalidate", path: ["drain"], node: j.node });
  }

  private finish(j: DrainJob, state: DrainState, note: string | null, error: string | null = null): void {
    if (j.state !== "running") return;
    j.state = state;
    j.note = note;
    j.error = error;
    j.finishedAt = Date.now();
    if (state === "done") {
      j.phase = "finished";
      j.progress = 1;
    }
    this.step(j, error ?? note ?? state);
    this.o.live.publish({ type: "invalidate", path: ["cluster", "node"], node: j.node, group: j.group });
  }

  private async info(node: string): Promise<NodeInfo | null> {
    return (await this.o.cluster.nodeInfo(node, 0)).info;
  }

  private sleep(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.pollMs));
  }

  private async run(j: DrainJob & { cancel: boolean }): Promise<void> {
    const info = await this.info(j.node);
    if (!info) return this.finish(j, "failed", null, `${j.node} is not answering; nothing to drain`);
    j.roleAtStart = info.role;
    if (j.roleAtStart !== "master") {
      return this.finish(j, "done", `${j.node} is ${j.roleAtStart === "slave" ? "a slave" : j.roleAtStart}: it serves no clients and holds no mastership, nothing to move`);
    }
    // 1. A slave must be replicating, ideally caught up: wait (cancellably) for one with no lag.
    this.step(j, "waiting for a slave that acknowledged the whole journal", "waiting-for-slave");
    const deadline = Date.now() + this.timeoutMs;
    let best: HaSlave | null = null;
    for (;;) {
      if (j.cancel) return this.finish(j, "cancelled", `drain cancelled; ${j.node} is still master`);
      const cur = await this.info(j.node);
      const slaves = (cur?.ha?.slaves ?? []).filter((s) => s.state === "streaming");
      best = slaves.sort((a, b) => a.lagBytes - b.lagBytes)[0] ?? null;
      if (cur?.role !== "master") return this.finish(j, "failed", null, `${j.node} stopped being master before the handover (role ${String(cur?.role ?? "down")})`);
      if (best && best.lagBytes === 0) break;
      if (Date.now() > deadline) {
        if (!best) return this.finish(j, "failed", null, `no slave is replicating from ${j.node}: refusing to hand over`);
        break; // a slave streams but trails under load: the handover itself waits for its ack.
      }
      await this.sleep();
    }
    if (j.cancel) return this.finish(j, "cancelled", `drain cancelled; ${j.node} is still master`);
    // 2. The handover: from here on the node has stepped down; there is no undo.
    this.step(j, `handing over to the group (${best?.node ?? "?"} is up to date)`, "handing-over");
    const r = await this.o.cluster.admin.handover(j.node);
    this.step(j, r.caughtUp ? `a slave acknowledged everything up to position ${r.position}; ${j.node} left and rejoined` : `no slave confirmed position ${r.position} in time; ${j.node} rejoined anyway and the election picks the most up-to-date member`, "waiting-for-election");
    // 3. Wait for another master, then for the node to serve nobody.
    for (;;) {
      const master = this.o.cluster.masterOf(j.group);
      if (master && master !== j.node) {
        j.newMaster = master;
        break;
      }
      if (Date.now() > deadline + this.timeoutMs) return this.finish(j, "failed", null, master === j.node ? `${j.node} was re-elected: no other member was up to date` : `${j.group} has no master after ${Math.round((2 * this.timeoutMs) / 1000)} s`);
      await this.sleep();
    }
    this.step(j, `${j.newMaster} is the new master of ${j.group}`, "waiting-for-clients");
    for (;;) {
      const cur = await this.info(j.node);
      const conns = cur?.connections.current ?? 0;
      if (cur && !cur.serving && conns === 0) break;
      if (Date.now() > deadline + 2 * this.timeoutMs) return this.finish(j, "failed", null, `${j.node} still serves ${conns} connections`);
      await this.sleep();
    }
    this.finish(j, "done", `${j.node} serves no clients and rejoined ${j.group} as a slave; ${j.newMaster} is master`);
  }
}

/** A drain request that conflicts with the node's current drain state. */
export class DrainConflict extends Error {
  override readonly name = "DrainConflict";
}
