import { principalOf, viewerProcedure } from "../../trpc";
import { createTokenInput, createTokenOutput } from "./create.schema";

/** Any user may create tokens for automation, never with a role above their own. */
export const create = viewerProcedure
  .meta({ openapi: { method: "POST", path: "/tokens", tags: ["tokens"], summary: "Create an API token for the caller; the secret is answered once" } })
  .input(createTokenInput)
  .output(createTokenOutput)
  .mutation(({ ctx, input }) => ctx.services.auth.createApiToken(principalOf(ctx), input.name, input.role, input.ttlDays));
