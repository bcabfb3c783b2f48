import type { ClusterRuntime } from "./ClusterRuntime";
import type { ClusterFacts } from "./clusterFacts";

/** One consistent-enough read of the cluster: group states, every node's own answer, processes. */
export async function collectFacts(cluster: ClusterRuntime, name: string): Promise<ClusterFacts> {
  const processes = new Map((cluster.supervisor?.list() ?? []).map((p) => [p.name, p]));
  const nodes = await Promise.all(
    cluster.nodes.map(async (spec) => {
      const answer = await cluster.nodeInfo(spec.name);
      const snap = cluster.pollers.get(spec.name)?.latest ?? null;
      return {
        name: spec.name,
        group: spec.group,
        adminUrl: spec.adminUrl,
        stomp: spec.stomp,
        info: answer.info,
        error: answer.error,
        rates: snap?.up ? snap.rates : { inPerSec: 0, outPerSec: 0 },
        writeRate: cluster.writeRate(spec.name),
        destinations: snap?.up ? snap.destinations : [],
        destinationsTotal: snap?.up ? snap.destinationsTotal : 0,
        process: processes.get(spec.name) ?? null,
      };
    }),
  );
  return { name, at: Date.now(), embedded: cluster.supervisor !== null, groups: cluster.monitor.snapshot(), nodes };
}
