import { z } from "zod";
import { dataEncoding, zkPath } from "./zkPath.schema";

export const createInput = z.object({
  path: zkPath.refine((p) => p !== "/", "the root already exists"),
  data: z.string().max(4 * 1024 * 1024),
  encoding: dataEncoding.default("text"),
  /**
   * Ephemeral nodes belong to the console's own coordinator session (they go when the console
   * stops); container nodes are deleted by the server once their last child is gone.
   */
  mode: z.enum(["persistent", "persistent_sequential", "ephemeral", "ephemeral_sequential", "container"]).default("persistent"),
});

export const createOutput = z.object({
  /** The created path (with the sequence suffix for sequential modes). */
  path: z.string(),
  /** For ephemeral modes: the console's session that owns the node (0x-hex); else null. */
  ephemeralOwner: z.string().nullable(),
});
