import { viewerProcedure } from "../../trpc";
import { childrenInput, childrenOutput } from "./children.schema";

export const children = viewerProcedure
  .input(childrenInput)
  .output(childrenOutput)
  .query(({ ctx, input }) => ctx.services.zk.children(input.path));
