import { z } from "zod";
import { DATA_ENCODINGS } from "../../../console/zk/decodeZnodeData";

/** ZooKeeper path rules (PathUtils.validatePath): absolute, no empty, "." or ".." segments, no trailing "/". */
export const zkPath = z
  .string()
  .min(1)
  .max(4096)
  .refine(
    (p) => p === "/" || (p.startsWith("/") && !p.endsWith("/") && p.split("/").slice(1).every((s) => s !== "" && s !== "." && s !== "..") && !p.includes("\u0000")),
    "a znode path is absolute, without empty, '.' or '..' segments and without a trailing '/'",
  );

export const dataEncoding = z.enum(DATA_ENCODINGS);

export const zkStat = z.object({
  cZxid: z.string(),
  ctime: z.number(),
  mZxid: z.string(),
  mtime: z.number(),
  pZxid: z.string(),
  cversion: z.number().int(),
  dataVersion: z.number().int(),
  aclVersion: z.number().int(),
  ephemeralOwner: z.string(),
  dataLength: z.number().int(),
  numChildren: z.number().int(),
});
