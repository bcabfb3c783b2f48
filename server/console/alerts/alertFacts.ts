/**
 * What the alert rules are evaluated against: one consistent snapshot of the cluster as the
 * console's monitor and node pollers last saw it. Built by `clusterAlertFacts` from the live
 * runtime; plain data so the conditions and the evaluator are tested without processes.
 */
export interface AlertFacts {
  at: number;
  groups: Array<{
    name: string;
    master: string | null;
    members: number;
    quorum: number;
    replicas: number;
    /** Nodes of the group whose node process the console supervises or polls. */
    nodes: string[];
  }>;
  nodes: Array<{
    name: string;
    group: string;
    up: boolean;
    /** Why the node's admin API did not answer, when down. */
    error: string | null;
    /** The fraction of the memory limit / store limit in use (0–1); null when not serving. */
    memoryRatio: number | null;
    storeRatio: number | null;
    /** Per slave of this node (when it is master): bytes of journal not yet acknowledged. */
    slaves: Array<{ node: string; lagBytes: number }>;
  }>;
  destinations: Array<{
    group: string;
    node: string;
    name: string;
    depth: number;
    oldestMessageAgeSeconds: number | null;
  }>;
  /** Each RocketMQ consumer group's total lag on each group master (rocketmqLagCondition.ts); absent: none measured. */
  rocketmqLag?: Array<{ group: string; node: string; consumerGroup: string; lag: number }>;
  /** Changes of the console's coordinator session state (connected → suspended …) in the last 10 minutes. */
  coordinatorSessionChanges: number;
}
