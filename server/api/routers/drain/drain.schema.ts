import { z } from "zod";
import { actionImpact, confirmField } from "../cluster/actionPreview.schema";

export const drainNodeInput = z.object({ name: z.string().min(1).max(128) });

export const drainStartInput = drainNodeInput.extend({ confirm: confirmField });

const destination = z.object({ name: z.string(), kind: z.string(), depth: z.number(), consumers: z.number(), producers: z.number(), inflight: z.number() });

export const drainPreviewOutput = z.object({
  node: z.string(),
  group: z.string(),
  role: z.string(),
  action: z.enum(["handover", "none", "impossible"]),
  note: z.string(),
  connections: z.number(),
  destinations: z.array(destination),
  destinationsTotal: z.number(),
  totals: z.object({ depth: z.number(), consumers: z.number(), producers: z.number(), inflight: z.number() }),
  outPerSec: z.number(),
  timeToEmptySec: z.number().nullable(),
  candidates: z.array(z.object({ node: z.string(), state: z.string(), lagBytes: z.number() })),
  warnings: z.array(z.string()),
  /** What the drain does to the group, and whether it needs the node name typed (guardrail). */
  impact: actionImpact,
});

export const drainJob = z.object({
  node: z.string(),
  group: z.string(),
  roleAtStart: z.string(),
  state: z.enum(["running", "done", "failed", "cancelled"]),
  phase: z.enum(["checking", "waiting-for-slave", "handing-over", "waiting-for-election", "waiting-for-clients", "finished"]),
  progress: z.number(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  previousMaster: z.string().nullable(),
  newMaster: z.string().nullable(),
  note: z.string().nullable(),
  error: z.string().nullable(),
  steps: z.array(z.object({ at: z.number(), message: z.string() })),
});

export const drainStatusOutput = drainJob.nullable();
