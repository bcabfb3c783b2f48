import { toBulkSelection } from "../../../console/destinations/BulkDestinationActions";
import { operatorProcedure, principalOf } from "../../trpc";
import { bulkApplyInput, bulkApplyOutput } from "./bulk.schema";

/** Purges or deletes the previewed destinations; each one is audited on its own. */
export const bulkApply = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/destinations/bulk/apply", tags: ["destinations"], summary: "Purge or delete the previewed destinations (refused if they changed since the preview)" } })
  .input(bulkApplyInput)
  .output(bulkApplyOutput)
  .mutation(async ({ ctx, input }) => {
    const r = await ctx.services.bulkDestinations.apply({ principal: principalOf(ctx), ip: ctx.ip }, input.action, toBulkSelection(input.selection), input.fingerprint);
    ctx.services.live.publish({ type: "invalidate", path: ["destinations"] });
    return r;
  });
