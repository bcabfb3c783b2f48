import { principalOf, viewerProcedure } from "../../trpc";
import { revokeTokenInput, revokeTokenOutput } from "./revoke.schema";

export const revoke = viewerProcedure
  .input(revokeTokenInput)
  .output(revokeTokenOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.auth.revokeApiToken(principalOf(ctx), input.id);
    return { ok: true as const };
  });
