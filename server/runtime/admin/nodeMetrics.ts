import { collectDefaultMetrics, type Gauge, Registry } from "prom-client";
import { registerCollectedCounter, registerCollectedGauge } from "./collectedMetrics";
import type { AdminContext } from "./AdminContext";
import { listDestinations, type DestinationRow } from "./destinations";
import { rmqAdminView } from "../rocketmq/rmqAdminView";

export interface NodeMetrics {
  /** The exposition text; `maxDestinations` bounds the per-destination series (deepest first). */
  scrape(maxDestinations: number | null): Promise<{ contentType: string; text: string }>;
}

/**
 * The node's Prometheus metrics (`GET /metrics` on the admin listener). Every value is read from
 * the live broker, journal and replication state at scrape time — nothing is invented: a slave
 * has no destinations, so it exports none. Names follow Prometheus' conventions (base units,
 * `_total` counters) and RabbitMQ's where a counterpart exists (queue messages, consumers,
 * connections). One registry per node process, made by the node's composition root.
 */
export function createNodeMetrics(ctx: AdminContext): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool
  // refuses them); the handle counts are of little use to an operator anyway.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) registry.removeSingleMetric(name);
  const labels = { broker: ctx.node.brokerName, node: ctx.node.nodeName, group: ctx.node.groupName };
  registry.setDefaultLabels(labels);

  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): void =>
    registerCollectedGauge(registry, name, help, labelNames, collect);
  const counter = (name: string, help: string, labelNames: string[], collect: (set: (value: number, l?: Record<string, string>) => void) => void): void =>
    registerCollectedCounter(registry, name, help, labelNames, collect);

  gauge("tandem_node_info", "Always 1; the node's version as a label.", ["version"], (g) => g.set({ version: ctx.node.version }, 1));
  gauge("tandem_node_serving", "1 while the node serves clients (a master, or a standalone node).", [], (g) => g.set(ctx.broker() ? 1 : 0));
  gauge("tandem_node_is_master", "1 while the node is its group's master.", [], (g) => g.set(ctx.node.role() === "master" ? 1 : 0));
  gauge("tandem_node_start_time_seconds", "When the node process started (Unix time).", [], (g) => g.set(ctx.node.startedAt / 1000));

  gauge("tandem_connections", "Open client connections, by transport.", ["transport"], (g) => {
    for (const c of ctx.stomp()?.connections.values() ?? []) g.inc({ transport: c.transportKind }, 1);
  });
  counter("tandem_connections_accepted_total", "Client connections accepted since the node started serving.", [], (set) => set(ctx.stomp()?.totalAccepted ?? 0));
  counter("tandem_connections_closed_total", "Client connections closed, by reason.", ["reason"], (set) => {
    for (const [reason, n] of ctx.stomp()?.closedReasons ?? []) set(n, { reason });
  });

  gauge("tandem_memory_used_bytes", "Bytes of message bodies held in RAM.", [], (g) => g.set(ctx.broker()?.memory.usage ?? 0));
  gauge("tandem_memory_limit_bytes", "The node's memoryLimit.", [], (g) => g.set(ctx.broker()?.memory.limit ?? 0));
  gauge("tandem_producers_blocked", "Producers paused by flow control.", [], (g) => g.set(ctx.broker()?.memory.blockedProducers ?? 0));
  const journal = (): ReturnType<AdminContext["journal"]> => ctx.broker()?.store.journal ?? ctx.journal();
  gauge("tandem_store_used_bytes", "Bytes of journal between its start and end positions.", [], (g) => {
    const j = journal();
    g.set(j ? j.endPosition - j.startPosition : 0);
  });
  gauge("tandem_store_limit_bytes", "The node's storeLimit.", [], (g) => g.set(ctx.broker()?.policy.storeLimit ?? 0));
  gauge("tandem_journal_end_position_bytes", "The journal's end position (replication offsets are measured in it).", [], (g) => g.set(journal()?.endPosition ?? 0));
  counter("tandem_journal_fsyncs_total", "Device flushes the journal asked for: fsync/fdatasync calls and O_DSYNC writes.", [], (set) => set(journal()?.stats().fsyncs ?? 0));
  counter("tandem_journal_dsync_writes_total", "Journal writes made durable by O_DSYNC (no separate fdatasync); included in tandem_journal_fsyncs_total.", [], (set) => set(journal()?.stats().dsyncWrites ?? 0));
  counter("tandem_journal_appends_total", "Records appended to the journal.", [], (set) => set(journal()?.stats().appends ?? 0));
  counter("tandem_journal_sync_rounds_total", "Group-commit sync rounds.", [], (set) => set(journal()?.stats().syncRounds ?? 0));
  counter("tandem_journal_sync_seconds_total", "Time spent in group-commit sync rounds; divided by the rounds it is the mean fsync latency.", [], (set) => set(journal()?.stats().syncSeconds ?? 0));

  gauge("tandem_replication_slave_lag_bytes", "Journal bytes a slave has not acknowledged yet (on the master).", ["slave"], (g) => {
    const ha = ctx.node.ha() as { slaves?: Array<{ node?: string; lagBytes?: number }> } | null;
    for (const s of ha?.slaves ?? []) if (typeof s.node === "string" && typeof s.lagBytes === "number") g.set({ slave: s.node }, s.lagBytes);
  });
  gauge("tandem_replication_slaves_connected", "Slaves streaming from this master.", [], (g) => {
    const ha = ctx.node.ha() as { slaves?: unknown[] } | null;
    g.set(ha?.slaves?.length ?? 0);
  });

  gauge("tandem_destinations", "Destinations on the node (all of them, whatever the per-destination limit).", ["kind"], (g) => {
    const b = ctx.broker();
    if (!b) return;
    g.set({ kind: "queue" }, b.queues.size);
    g.set({ kind: "topic" }, b.topics.size);
  });

  // RocketMQ consumer lag per group and topic (messages not committed), for alert rules on lag.
  gauge("tandem_rocketmq_consumer_lag_messages", "RocketMQ messages a consumer group has not committed, by topic (on the master).", ["consumer_group", "topic"], (g) => {
    const rmq = ctx.rocketmq?.();
    if (!rmq) return;
    for (const grp of rmqAdminView(rmq).groups) for (const q of grp.queues) g.inc({ consumer_group: grp.group, topic: q.topic }, q.lag);
  });

  return {
    async scrape(limit) {
      const all = ctx.broker() ? await listDestinations(ctx) : [];
      const rows = limit === null || all.length <= limit ? all : [...all].sort((a, b) => b.depth - a.depth).slice(0, limit);
      return { contentType: registry.contentType, text: (await registry.metrics()) + destinationExposition(rows, labels) };
    },
  };
}

/**
 * The per-destination families, written directly in the text exposition format: with 10,000
 * destinations that is 90,000 series, and building them as prom-client label sets took seconds
 * per scrape; a plain writer takes a fraction of that. Same names, types and labels.
 */
const DESTINATION_FAMILIES: Array<{ name: string; type: "gauge" | "counter"; help: string; value: (r: DestinationRow) => number | null }> = [
  { name: "tandem_destination_messages", type: "gauge", help: "Messages waiting in a destination (queue depth; for a topic, its subscriptions' backlog).", value: (r) => r.depth },
  { name: "tandem_destination_messages_unacked", type: "gauge", help: "Messages delivered and not yet acknowledged.", value: (r) => r.inflight },
  { name: "tandem_destination_consumers", type: "gauge", help: "Consumers of a destination.", value: (r) => r.consumers },
  { name: "tandem_destination_producers", type: "gauge", help: "Open connections that have sent to a destination.", value: (r) => r.producers },
  { name: "tandem_destination_oldest_message_age_seconds", type: "gauge", help: "Age of the oldest waiting message (absent when none waits).", value: (r) => (r.oldestMessageAgeMs === null ? null : r.oldestMessageAgeMs / 1000) },
  { name: "tandem_destination_messages_enqueued_total", type: "counter", help: "Messages sent to a destination.", value: (r) => r.enqueued },
  { name: "tandem_destination_messages_dequeued_total", type: "counter", help: "Messages acknowledged (consumed) from a destination.", value: (r) => r.dequeued },
  { name: "tandem_destination_messages_expired_total", type: "counter", help: "Messages that expired in a destination.", value: (r) => r.expired },
  { name: "tandem_destination_messages_dead_lettered_total", type: "counter", help: "Messages moved to the dead-letter queue.", value: (r) => r.deadLettered },
];

export function destinationExposition(rows: readonly DestinationRow[], defaults: Record<string, string>): string {
  const tail = Object.entries(defaults)
    .map(([k, v]) => `,${k}="${escapeLabel(v)}"`)
    .join("");
  const prefixes = rows.map((r) => `{destination="${escapeLabel(r.name)}",kind="${r.kind}"${tail}} `);
  const out: string[] = [];
  for (const f of DESTINATION_FAMILIES) {
    out.push(`# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`);
    rows.forEach((r, i) => {
      const v = f.value(r);
      if (v !== null) out.push(`${f.name}${prefixes[i]!}${v}\n`);
    });
  }
  return out.join("");
}

/** Label values escape backslash, double quote and newline (the exposition format's rule). */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
