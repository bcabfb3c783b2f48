import { z } from "zod";
import { dataEncoding, zkPath, zkStat } from "./zkPath.schema";

export const setInput = z.object({
  path: zkPath,
  data: z.string().max(4 * 1024 * 1024),
  encoding: dataEncoding.default("text"),
  /** The dataVersion the editor loaded: a concurrent change fails with BAD_VERSION. -1 forces. */
  version: z.number().int().min(-1),
});

export const setOutput = z.object({ stat: zkStat });
