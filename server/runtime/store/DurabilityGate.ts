import type { Journal } from "./Journal";

/**
 * Decides when a journal position counts as durable enough to acknowledge. The local
 * policies live here; replication (issue: HA groups) supplies gates that also wait for slaves.
 */
export interface DurabilityGate {
  readonly policy: string;
  awaitDurable(position: number): Promise<void>;
  /**
   * Replicating gates: why the slaves the policy waits for cannot confirm `position` soon (none
   * connected, or too far behind), or null. RocketMQ answers SLAVE_NOT_AVAILABLE then.
   */
  slavesUnavailable?(position: number): string | null;
  /** Replicating gates: resolves once the master's own part of the policy (its fsync) holds. */
  awaitLocal?(position: number): Promise<void>;
}

/** local_disk: fsync (group-committed) before the receipt. */
export function localDiskGate(journal: Journal): DurabilityGate {
  return { policy: "local_disk", awaitDurable: () => journal.sync() };
}

/** local_mem: acknowledge once the record is in the node's memory; the writer flushes behind. */
export function localMemGate(): DurabilityGate {
  const done = Promise.resolve();
  return { policy: "local_mem", awaitDurable: () => done };
}
