import { operatorProcedure } from "../../trpc";
import { deleteRecursiveInput, deleteRecursiveOutput } from "./deleteRecursive.schema";

/** `deleteall`, but only of the subtree the operator previewed (zk.deletePreview). */
export const deleteRecursive = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/zk/delete-recursive", tags: ["zookeeper"], summary: "Delete the previewed subtree (refused if it changed since the preview)" } })
  .input(deleteRecursiveInput)
  .output(deleteRecursiveOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.zk.deleteRecursive(input.path, input.fingerprint);
    ctx.services.live.publish({ type: "invalidate", path: ["zk"] });
    return r;
  });
