import { viewerProcedure } from "../../trpc";
import { childrenInput, childrenOutput } from "./children.schema";

export const children = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/zk/children", tags: ["zookeeper"], summary: "A znode's children with their stats" } })
  .input(childrenInput)
  .output(childrenOutput)
  .query(({ ctx, input }) => ctx.services.zk.children(input.path));
