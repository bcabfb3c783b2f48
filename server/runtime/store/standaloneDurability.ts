import type { NodeConfig } from "../../config/resolveNodeConfig";

/** What a receipt waits for on a node outside an HA group, and why when it is not `sync` itself. */
export interface StandaloneDurability {
  local: "mem" | "disk";
  /** Set when the answer departs from the configured `sync` (logged by the node). */
  note?: string;
}

/**
 * A node with nobody to replicate to. RocketMQ's `flushDiskType` decides when it is set (seed 002:
 * ASYNC_FLUSH answers SEND_OK before the fsync, SYNC_FLUSH after it), as it does for the master of
 * a group; otherwise `sync`'s local part, and a replicated policy takes the strongest local
 * guarantee instead of pretending its remote part can hold.
 */
export function standaloneDurability(c: Pick<NodeConfig, "sync" | "flushDiskType">): StandaloneDurability {
  if (c.flushDiskType) return { local: c.flushDiskType === "SYNC_FLUSH" ? "disk" : "mem" };
  switch (c.sync) {
    case "local_mem":
      return { local: "mem" };
    case "local_disk":
      return { local: "disk" };
    default:
      return { local: "disk", note: `replicated sync policy "${c.sync}" on a standalone node: using local_disk` };
  }
}
