import { principalOf, viewerProcedure } from "../../trpc";
import { revokeTokenInput, revokeTokenOutput } from "./revoke.schema";

export const revoke = viewerProcedure
  .meta({ openapi: { method: "DELETE", path: "/tokens/{id}", tags: ["tokens"], summary: "Revoke one of the caller's tokens" } })
  .input(revokeTokenInput)
  .output(revokeTokenOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.auth.revokeApiToken(principalOf(ctx), input.id);
    return { ok: true as const };
  });
