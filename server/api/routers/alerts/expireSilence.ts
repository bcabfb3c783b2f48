import { operatorProcedure } from "../../trpc";
import { idInput, silenceView } from "./alerts.schema";

export const expireSilence = operatorProcedure
  .meta({ openapi: { method: "DELETE", path: "/alerts/silences/{id}", tags: ["alerts"], summary: "Expire a silence now" } })
  .input(idInput)
  .output(silenceView)
  .mutation(async ({ ctx, input }) => {
    const s = await ctx.services.alertConfig.expireSilence(input.id);
    return { ...s, matchers: (s.matchers ?? {}) as Record<string, string> };
  });
