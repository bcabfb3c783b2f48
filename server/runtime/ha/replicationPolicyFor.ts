import type { NodeConfig } from "../../config/resolveNodeConfig";
import type { ReplicationPolicy } from "./ReplicationGate";

/**
 * A master whose policy's local part is memory (quorum_mem, remote_mem, ASYNC_FLUSH roles) hands its
 * journal writes to the OS this long after they queue up (Journal.writeBehindMs) instead of at the
 * end of every event-loop turn: no receipt waits for them, and each thread-pool write costs two
 * thread wake-ups. The records are shipped to the slaves from memory meanwhile, as before.
 */
export const MEM_MASTER_WRITE_BEHIND_MS = 10;

/**
 * Turns the group's `sync` (seed 000: local_mem, local_disk, remote_mem, remote_disk,
 * quorum_mem, quorum_disk) or RocketMQ's brokerRole/flushDiskType (seed 002 §2.3-2.4) into what
 * a receipt waits for. quorum = replicas/2+1 counting the master, so the master waits for
 * replicas/2 slaves (1 of 2 for replicas=3).
 */
export function replicationPolicyFor(c: Pick<NodeConfig, "sync" | "replicas" | "brokerRole" | "flushDiskType">): ReplicationPolicy {
  const minSlaveAcks = Math.floor(c.replicas / 2);
  if (c.brokerRole) {
    const local = c.flushDiskType === "SYNC_FLUSH" ? "disk" : "mem";
    const name = `${c.brokerRole}/${c.flushDiskType ?? "ASYNC_FLUSH"}`;
    // SYNC_MASTER waits for one slave to have the message (RocketMQ's HA transfer), ASYNC_MASTER for none.
    return c.brokerRole === "SYNC_MASTER"
      ? { name, local, remote: "mem", minSlaveAcks: Math.min(1, c.replicas - 1) }
      : { name, local, remote: "none", minSlaveAcks: 0 };
  }
  switch (c.sync) {
    case "local_mem":
      return { name: c.sync, local: "mem", remote: "none", minSlaveAcks: 0 };
    case "local_disk":
      return { name: c.sync, local: "disk", remote: "none", minSlaveAcks: 0 };
    case "remote_mem":
      return { name: c.sync, local: "mem", remote: "mem", minSlaveAcks };
    case "remote_disk":
      return { name: c.sync, local: "mem", remote: "disk", minSlaveAcks };
    case "quorum_mem":
      return { name: c.sync, local: "mem", remote: "mem", minSlaveAcks };
    case "quorum_disk":
      // Any quorum of nodes durable (the master one vote): see ReplicationPolicy.masterVotes.
      return { name: c.sync, local: "disk", remote: "disk", minSlaveAcks, masterVotes: true };
  }
}
