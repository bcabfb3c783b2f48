import { z } from "zod";
import { zkPath } from "./zkPath.schema";

export const deleteRecursiveInput = z.object({
  path: zkPath,
  /** From zk.deletePreview: only the set of znodes the operator saw is deleted. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, "a fingerprint is the 64 hex digits zk.deletePreview returned"),
});

export const deleteRecursiveOutput = z.object({ deleted: z.number().int() });
