import { annotateZnode } from "../../../console/zk/annotateZnode";
import { viewerProcedure } from "../../trpc";
import { annotateInput, annotateOutput } from "./annotate.schema";

/** What a znode means in Tandem ("master of group1, session 0x…"), from the live group state. */
export const annotate = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/zk/annotation", tags: ["zookeeper"], summary: "What a znode means in Tandem" } })
  .input(annotateInput)
  .output(annotateOutput)
  .query(({ ctx, input }) => {
    const groups = ctx.services.runtime?.cluster?.monitor.snapshot() ?? [];
    return { path: input.path, annotation: annotateZnode(input.path, groups) };
  });
