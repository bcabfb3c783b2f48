import { z } from "zod";
import { zkPath } from "./zkPath.schema";

export const deleteInput = z.object({
  path: zkPath,
  /** The dataVersion the operator saw; -1 deletes whatever version is there. */
  version: z.number().int().min(-1),
});

export const deleteOutput = z.object({ ok: z.literal(true) });
