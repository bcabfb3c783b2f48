import { viewerProcedure } from "../../trpc";
import { groupInput, groupOutput } from "./group.schema";

/** One group: its master, election timeline, each slave's replicated position and lag, member znodes. */
export const group = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/groups/{name}", tags: ["groups"], summary: "One group: master, election timeline, replication lag, member znodes" } })
  .input(groupInput)
  .output(groupOutput)
  .query(({ ctx, input }) => ctx.services.cluster.group(input.name));
