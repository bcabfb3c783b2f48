import { z } from "zod";
import { zkPath, zkStat } from "./zkPath.schema";

export const childrenInput = z.object({ path: zkPath });

export const childrenOutput = z.object({
  path: z.string(),
  stat: zkStat,
  children: z.array(z.object({ name: z.string(), path: z.string(), numChildren: z.number().int().nullable(), ephemeral: z.boolean() })),
  /** true when there were too many children to stat each one. */
  statsOmitted: z.boolean(),
});
