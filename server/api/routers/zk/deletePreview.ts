import { annotateZnode } from "../../../console/zk/annotateZnode";
import { MAX_RECURSIVE_DELETE } from "../../../console/zk/ZkExplorer";
import { describeDeletePreview } from "../../../console/zk/znodeDeletionImpact";
import { viewerProcedure } from "../../trpc";
import { deletePreviewInput, deletePreviewOutput } from "./deletePreview.schema";

/** What a recursive delete would remove, with what each znode is in Tandem and what follows. */
export const deletePreview = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/zk/delete-preview", tags: ["zookeeper"], summary: "What a recursive delete would remove, with a fingerprint to apply it" } })
  .input(deletePreviewInput)
  .output(deletePreviewOutput)
  .query(async ({ ctx, input }) => {
    const p = await ctx.services.zk.deletePreview(input.path);
    const groups = ctx.services.runtime?.cluster?.monitor.snapshot() ?? [];
    return { ...p, limit: MAX_RECURSIVE_DELETE, znodes: describeDeletePreview(p.znodes, groups, (path) => annotateZnode(path, groups)) };
  });
