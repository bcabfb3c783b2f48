import { z } from "zod";

export const guardedAction = z.enum(["stop", "kill", "restart", "drain", "handover"]);

export const actionPreviewInput = z.object({ name: z.string().min(1).max(128), action: guardedAction });

export const actionImpact = z.object({
  action: guardedAction,
  node: z.string(),
  group: z.string(),
  severity: z.enum(["safe", "disruptive", "dangerous"]),
  summary: z.string(),
  effects: z.array(z.string()),
  breaksQuorum: z.boolean(),
  takesLastMaster: z.boolean(),
  /** Type this (the node's name) to confirm; null when a click suffices. */
  confirmText: z.string().nullable(),
});

/** The typed confirmation a dangerous action needs (see requireConfirmation). */
export const confirmField = z.string().max(128).optional();
