import { z } from "zod";
import { zkPath, zkStat } from "./zkPath.schema";

export const getInput = z.object({
  path: zkPath,
  /** Bytes sent to the browser; the rest is reported by `truncated` and stat.dataLength. */
  maxBytes: z.number().int().min(1).max(1024 * 1024).default(64 * 1024),
});

export const getOutput = z.object({
  path: z.string(),
  /** null: the znode has no data (as opposed to empty data ""). */
  dataBase64: z.string().nullable(),
  truncated: z.boolean(),
  stat: zkStat,
  /** An ephemeral owned by the console's own coordinator session (created in this explorer). */
  ownedByConsole: z.boolean(),
});
