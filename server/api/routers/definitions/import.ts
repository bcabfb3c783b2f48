import { adminProcedure, principalOf } from "../../trpc";
import { importInput, importOutput } from "./definitions.schema";

/** Adds what a definitions file has and the console lacks; a file with any format problem changes nothing. */
export const importDefinitions = adminProcedure
  .meta({ openapi: { method: "POST", path: "/definitions", tags: ["definitions"], summary: "Add what a definitions document has and the console lacks (all or nothing)" } })
  .input(importInput)
  .output(importOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.definitions.import(principalOf(ctx), input.json);
    ctx.services.live.publish({ type: "invalidate", path: ["destinations"] });
    for (const domain of ["users", "alerts"] as const) ctx.services.live.publish({ type: "invalidate", path: [domain] });
    return r;
  });
