import { permsText } from "../../../console/zk/permsText";
import { viewerProcedure } from "../../trpc";
import { aclInput, aclOutput } from "./acl.schema";

/** The znode's ACL, like `zkCli getAcl`. */
export const acl = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/zk/acl", tags: ["zookeeper"], summary: "A znode's ACL and ACL version" } })
  .input(aclInput)
  .output(aclOutput)
  .query(async ({ ctx, input }) => {
    const r = await ctx.services.zk.acl(input.path);
    return { path: input.path, aclVersion: r.aclVersion, acl: r.acl.map((a) => ({ ...a, permsText: permsText(a.perms) })) };
  });
