import { z } from "zod";
import { zkPath } from "./zkPath.schema";

export const aclInput = z.object({ path: zkPath });

export const aclOutput = z.object({
  path: z.string(),
  aclVersion: z.number().int(),
  acl: z.array(
    z.object({
      scheme: z.string(),
      id: z.string(),
      /** Permission bits: READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16. */
      perms: z.number().int(),
      /** zkCli's spelling of the bits, e.g. "cdrwa". */
      permsText: z.string(),
    }),
  ),
});
