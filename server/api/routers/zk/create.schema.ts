import { z } from "zod";
import { dataEncoding, zkPath } from "./zkPath.schema";

export const createInput = z.object({
  path: zkPath.refine((p) => p !== "/", "the root already exists"),
  data: z.string().max(4 * 1024 * 1024),
  encoding: dataEncoding.default("text"),
  /** Ephemeral nodes would belong to the console's own session, so only persistent ones here. */
  mode: z.enum(["persistent", "persistent_sequential"]).default("persistent"),
});

export const createOutput = z.object({ path: z.string() });
