import type { AlertRuleSpec } from "./AlertEvaluator";

export type DefaultRule = Omit<AlertRuleSpec, "id" | "enabled">;

/**
 * Installed on first start (and never again: an operator who deletes one keeps it deleted).
 * Thresholds follow what the seeds' operators watch: a group without a master or quorum is
 * critical at once (after a short `for` so a 0.3 s failover does not page anyone), a node down
 * for 30 s, slaves far behind, backlogs and dead letters, resources nearly exhausted.
 */
export const DEFAULT_ALERT_RULES: readonly DefaultRule[] = [
  rule("GroupWithoutMaster", "group_without_master", "gte", 1, 5, "critical", "The group has no master: its destinations accept no messages."),
  rule("QuorumLost", "quorum_lost", "gte", 1, 5, "critical", "Fewer members than the quorum: no master can be elected and no persistent send is acknowledged."),
  rule("NodeDown", "node_down", "gte", 1, 30, "warning", "The node's admin API does not answer."),
  rule("SlaveBehindBytes", "replication_lag_bytes", "gt", 64 * 1024 * 1024, 60, "warning", "A slave is more than 64 MiB behind its master."),
  rule("QueueBacklog", "queue_depth", "gt", 100_000, 300, "warning", "A destination holds more than 100,000 waiting messages."),
  rule("OldestMessageAge", "oldest_message_age_seconds", "gt", 3_600, 300, "warning", "A message has waited for more than an hour."),
  rule("DeadLetters", "dlq_depth", "gt", 0, 0, "warning", "Messages are arriving in a dead-letter queue."),
  rule("MemoryNearLimit", "memory_usage_ratio", "gt", 0.9, 120, "warning", "The node uses more than 90 % of its memory limit: producers are being throttled."),
  rule("StoreNearLimit", "store_usage_ratio", "gt", 0.85, 120, "critical", "The node's journal uses more than 85 % of its store limit."),
  rule("CoordinatorSessionFlapping", "coordinator_session_flapping", "gt", 4, 0, "warning", "The console's coordinator session changed state more than 4 times in 10 minutes."),
];

function rule(name: string, metric: string, comparator: AlertRuleSpec["comparator"], threshold: number, forSeconds: number, severity: AlertRuleSpec["severity"], description: string): DefaultRule {
  return { name, metric, comparator, threshold, forSeconds, group: null, node: null, destination: null, severity, labels: {}, annotations: { description } };
}
