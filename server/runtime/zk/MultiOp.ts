import type { ZnodeStat } from "./ZnodeStat";

/**
 * "container" (ZooKeeper 3.5+, flag 4): a persistent node the server deletes once its last child
 * is gone (ContainerManager), for parents of ephemerals such as locks and election members.
 */
export type CreateMode = "persistent" | "ephemeral" | "persistent_sequential" | "ephemeral_sequential" | "container";

/** Wire flags of CreateRequest (CreateMode.toFlag()). */
export function createModeFlag(mode: CreateMode): number {
  switch (mode) {
    case "persistent":
      return 0;
    case "ephemeral":
      return 1;
    case "persistent_sequential":
      return 2;
    case "ephemeral_sequential":
      return 3;
    case "container":
      return 4;
  }
}

/** One operation of an atomic multi(). `version` -1 or absent matches any version. */
export type MultiOp =
  | { op: "create"; path: string; data: Buffer | null; mode: CreateMode }
  | { op: "setData"; path: string; data: Buffer; version?: number }
  | { op: "delete"; path: string; version?: number }
  | { op: "check"; path: string; version: number };

/** Result of each operation of a successful multi(), in order. */
export type MultiResult =
  | { op: "create"; path: string }
  | { op: "setData"; stat: ZnodeStat }
  | { op: "delete" }
  | { op: "check" };
