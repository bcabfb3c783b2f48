import { z } from "zod";
import { confirmField } from "./actionPreview.schema";

/** Input of every node operation; `name` is also the audit log's target. */
export const nodeActionInput = z.object({ name: z.string().min(1).max(128), confirm: confirmField });

export const nodeActionOutput = z.object({
  name: z.string(),
  state: z.string(),
  pid: z.number().nullable(),
});
