import { z } from "zod";

export const restartBridgeInput = z.object({
  /** The group whose master runs the bridge. */
  group: z.string().min(1).max(128),
  name: z.string().min(1).max(256),
});

export const restartBridgeOutput = z.object({ group: z.string(), node: z.string(), name: z.string() });
