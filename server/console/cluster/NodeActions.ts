import { AppError } from "../AppError";
import type { ConsoleRuntime } from "../ConsoleRuntime";
import type { LiveEvents } from "../LiveEvents";
import { attachedCluster, requireNode } from "./attachedCluster";
import { readInfo } from "./clusterFacts";
import { assessNodeAction, type ActionImpact, type GuardedAction } from "./guard/assessNodeAction";

/** What the supervisor can do to a node's OS process. */
export type NodeAction = "start" | "stop" | "kill" | "restart";

export interface NodeActionsOptions {
  runtime: ConsoleRuntime;
  /** Told the node changed once an action is done, so open pages refetch it. */
  live: LiveEvents;
}

/**
 * The operator's actions on a node — start, stop, kill, restart (embedded mode) and a master's
 * planned handover — behind the guard: each is assessed against the live cluster first, and one
 * that breaks a quorum or takes a group's last master needs the node's name typed back.
 */
export class NodeActions {
  constructor(private readonly o: NodeActionsOptions) {}

  /**
   * The impact of an action on a node, from a fresh read of the live cluster (maxAge 0: the
   * guard must see the failover that happened a second ago, not the poller's older snapshot).
   */
  async impact(name: string, action: GuardedAction): Promise<ActionImpact> {
    const cluster = attachedCluster(this.o.runtime);
    const spec = requireNode(cluster, name);
    const g = cluster.monitor.group(spec.group);
    if (!g) throw new AppError("NOT_FOUND", `no group named ${spec.group} in this cluster`, "NO_GROUP");
    const own = await cluster.nodeInfo(name, 0);
    const ownInfo = own.info ? readInfo(own.info) : null;
    const masterAnswer = g.master ? (g.master === name ? own : await cluster.nodeInfo(g.master, 0)) : null;
    const master = masterAnswer?.info ? readInfo(masterAnswer.info) : null;
    const serving = master?.serving === true;
    return assessNodeAction({
      action,
      node: name,
      up: ownInfo !== null,
      role: ownInfo?.role ?? "down",
      group: { name: g.name, quorum: g.quorum, replicas: g.replicas, master: g.master, members: g.members.map((m) => m.container ?? "?") },
      masterDepth: serving ? master.depth : null,
      masterConnections: serving ? master.connections : null,
      slaves: master?.ha?.slaves.map((s) => ({ node: s.node, state: s.state, lagBytes: s.lagBytes })) ?? [],
    });
  }

  /**
   * Refuses a dangerous action unless the operator typed the node's name: the check the browser's
   * dialog makes, made again here against the cluster as it is now (a script or a stale page must
   * not take a group's last master by accident either).
   */
  async requireConfirmation(name: string, action: GuardedAction, confirm: string | undefined): Promise<ActionImpact> {
    const impact = await this.impact(name, action);
    if (impact.confirmText !== null && confirm !== impact.confirmText) {
      throw new AppError("PRECONDITION_FAILED", `${impact.summary} Type the node name ${impact.confirmText} to confirm.`, "CONFIRMATION_REQUIRED");
    }
    return impact;
  }

  /**
   * Drives a node's OS process through the supervisor. Only the embedded cluster's nodes are the
   * console's processes; an attached cluster's nodes run elsewhere and are refused with a reason.
   */
  async run(name: string, action: NodeAction, confirm?: string): Promise<{ name: string; state: string; pid: number | null }> {
    const cluster = attachedCluster(this.o.runtime);
    const spec = requireNode(cluster, name);
    const sup = cluster.supervisor;
    if (!sup || !sup.has(name)) {
      throw new AppError("PRECONDITION_FAILED", `${name} is not run by this console (attached cluster): ${action} it on its own host`, "NOT_EMBEDDED");
    }
    if (action !== "start") await this.requireConfirmation(name, action, confirm);
    if (action === "start") sup.start(name);
    else await sup[action](name);
    cluster.pollers.get(name)?.refresh();
    this.o.live.publish({ type: "invalidate", path: ["cluster", "node"], node: name, group: spec.group });
    const p = sup.list().find((n) => n.name === name)!;
    return { name, state: p.state, pid: p.pid };
  }

  /**
   * Planned handover of a master: the node stops taking clients, waits until a slave acknowledged
   * its whole journal, then leaves and rejoins its group as a slave (POST /api/v1/node/handover).
   */
  async handover(name: string, confirm: string | undefined): Promise<{ name: string; caughtUp: boolean; position: number }> {
    const cluster = attachedCluster(this.o.runtime);
    const spec = requireNode(cluster, name);
    await this.requireConfirmation(name, "handover", confirm);
    let r: { caughtUp: boolean; position: number };
    try {
      r = await cluster.admin.handover(name);
    } catch (err) {
      throw new AppError("CONFLICT", (err as Error).message, "HANDOVER_REFUSED", { cause: err });
    }
    this.o.live.publish({ type: "invalidate", path: ["cluster", "node"], node: name, group: spec.group });
    return { name, caughtUp: r.caughtUp, position: r.position };
  }
}
