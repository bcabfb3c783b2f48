import { type Gauge, Registry } from "prom-client";
import { registerCollectedGauge } from "../../runtime/admin/collectedMetrics";
import type { AlertService } from "../alerts/AlertService";
import type { ConsoleRuntime } from "../ConsoleRuntime";

export interface ConsoleMetrics {
  scrape(): Promise<{ contentType: string; text: string }>;
}

/**
 * The console's `/metrics`: the cluster as the console sees it — per group whether it has a
 * master and how many members are registered, per node whether its admin API answers, and the
 * alerts pending or firing. Per-destination numbers are on each node's own /metrics (scrape the
 * nodes directly, as the console does, never through a load balancer).
 */
export function createConsoleMetrics(runtime: ConsoleRuntime | undefined, alerts: AlertService): ConsoleMetrics {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): void =>
    registerCollectedGauge(registry, name, help, labelNames, collect);
  gauge("tandem_cluster_group_has_master", "1 while the group has an elected master.", ["group"], (g) => {
    for (const s of runtime?.cluster?.monitor.snapshot() ?? []) g.set({ group: s.name }, s.master === null ? 0 : 1);
  });
  gauge("tandem_cluster_group_members", "Members registered in the group's election path.", ["group"], (g) => {
    for (const s of runtime?.cluster?.monitor.snapshot() ?? []) g.set({ group: s.name }, s.members.length);
  });
  gauge("tandem_cluster_group_quorum", "Members the group needs to elect a master.", ["group"], (g) => {
    for (const s of runtime?.cluster?.monitor.snapshot() ?? []) g.set({ group: s.name }, s.quorum);
  });
  gauge("tandem_cluster_node_up", "1 while the node's admin API answers the console's poller.", ["group", "node"], (g) => {
    const c = runtime?.cluster;
    for (const n of c?.nodes ?? []) {
      const snap = c?.pollers.get(n.name)?.latest;
      g.set({ group: n.group, node: n.name }, snap && (snap.up || snap.info !== null) ? 1 : 0);
    }
  });
  gauge("tandem_cluster_node_is_master", "1 for the node the group's election names master.", ["group", "node"], (g) => {
    for (const s of runtime?.cluster?.monitor.snapshot() ?? []) for (const n of s.nodes) g.set({ group: s.name, node: n }, s.master === n ? 1 : 0);
  });
  gauge("tandem_cluster_coordinator_connected", "1 while the console's coordinator session is connected.", [], (g) => {
    if (runtime?.cluster) g.set(runtime.cluster.zk?.state === "connected" ? 1 : 0);
  });
  gauge("tandem_alerts", "Alerts pending or firing, by rule, state and severity.", ["alertname", "state", "severity"], (g) => {
    for (const a of alerts.active()) g.inc({ alertname: a.rule, state: a.state, severity: a.severity }, 1);
  });
  return {
    async scrape() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
