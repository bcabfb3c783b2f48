// Kills the master of a running group again and again under load: kill -9 → wait for the new
// master → restart the killed node → wait until it replicates again → wait for load to flow.
import type { ClusterProcess } from "./clusterProcess";
import type { HaLoad } from "./haLoad";

export interface KillRecord {
  victim: string;
  newMaster: string;
  /** kill -9 → the harness sees "promoted to master" on another node. */
  electionMs: number;
  /** kill -9 → the group is back at full strength with load flowing. */
  cycleMs: number;
}

export interface KillLoopOptions {
  kills: number;
  /** Receipts that must arrive between kills, so every kill hits a loaded master. */
  receiptsBetweenKills: number;
  onKill?: (k: KillRecord, index: number) => void;
}

/** The role-related log lines of every node, for a failure message that can be diagnosed. */
export function roleLogTail(cluster: ClusterProcess, lines = 12): string {
  const interesting = /master|elector|group role|quorum|session|replicat|serving/i;
  return cluster.nodes
    .map((n) => {
      const logs = (n.proc?.logs ?? []).filter((l) => interesting.test(String(l.msg ?? "")));
      const tail = logs.slice(-lines).map((l) => `  ${l.time ?? ""} ${JSON.stringify(l)}`);
      const state = n.proc ? (n.proc.child.exitCode ?? n.proc.child.signalCode ?? "running") : "not started";
      return `${n.name} (${state}):\n${tail.join("\n")}`;
    })
    .join("\n");
}

export async function runKillLoop(cluster: ClusterProcess, load: HaLoad, o: KillLoopOptions): Promise<KillRecord[]> {
  try {
    return await killLoop(cluster, load, o);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${roleLogTail(cluster)}`, { cause: err });
  }
}

async function killLoop(cluster: ClusterProcess, load: HaLoad, o: KillLoopOptions): Promise<KillRecord[]> {
  const attached = new Map<string, number>();
  cluster.onLog((node, l) => {
    if (l.msg === "replicating from master") attached.set(node, Date.now());
  });
  const out: KillRecord[] = [];
  for (let i = 0; i < o.kills; i++) {
    const master = await cluster.waitForMaster(45_000);
    await load.progress(o.receiptsBetweenKills, 30_000);
    const t0 = Date.now();
    load.kills.push(t0);
    await cluster.kill9(master.name);
    const next = await cluster.waitForMaster(45_000, master.name);
    const electionMs = Date.now() - t0;
    const restartAt = Date.now();
    await cluster.startNode(master.name);
    // Re-attaching means catching up on the journal written meanwhile, under load: a generous bound.
    const until = Date.now() + 45_000;
    while (!((attached.get(master.name) ?? 0) >= restartAt)) {
      if (Date.now() > until) throw new Error(`${master.name} did not re-attach to ${next.name} within 45 s after restart`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const k: KillRecord = { victim: master.name, newMaster: next.name, electionMs, cycleMs: Date.now() - t0 };
    out.push(k);
    o.onKill?.(k, i);
  }
  return out;
}
