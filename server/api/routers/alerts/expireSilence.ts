import { operatorProcedure } from "../../trpc";
import { idInput, silenceView } from "./alerts.schema";

export const expireSilence = operatorProcedure
  .input(idInput)
  .output(silenceView)
  .mutation(async ({ ctx, input }) => {
    const s = await ctx.services.alertConfig.expireSilence(input.id);
    return { ...s, matchers: (s.matchers ?? {}) as Record<string, string> };
  });
