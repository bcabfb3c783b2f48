import { z } from "zod";
import { operatorProcedure } from "../../trpc";
import { idInput } from "./alerts.schema";

export const deleteRule = operatorProcedure
  .meta({ openapi: { method: "DELETE", path: "/alerts/rules/{id}", tags: ["alerts"], summary: "Delete an alert rule" } })
  .input(idInput)
  .output(z.object({ deleted: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await ctx.services.alertConfig.deleteRule(input.id);
    return { deleted: true as const };
  });
