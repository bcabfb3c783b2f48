import { z } from "zod";
import { replicationLink } from "../../../console/cluster/clusterViews.schema";

export const groupInput = z.object({ name: z.string().min(1).max(128) });

export const groupOutput = z.object({
  name: z.string(),
  zkPath: z.string(),
  master: z.string().nullable(),
  quorum: z.number(),
  replicas: z.number(),
  sync: z.string(),
  nodes: z.array(z.string()),
  electorEid: z.string().nullable(),
  electedEid: z.string().nullable(),
  /** The master's journal end and its measured write rate. */
  masterPosition: z.number().nullable(),
  writeBytesPerSec: z.number(),
  members: z.array(
    z.object({
      eid: z.string(),
      znode: z.string(),
      session: z.string(),
      container: z.string().nullable(),
      address: z.string().nullable(),
      position: z.number(),
      weight: z.number(),
      elected: z.string().nullable(),
      ctime: z.number(),
    }),
  ),
  slaves: z.array(replicationLink),
  timeline: z.array(
    z.object({ at: z.number(), kind: z.string(), node: z.string().nullable(), message: z.string(), source: z.enum(["monitor", "event-log"]) }),
  ),
});
