import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { principalOf, viewerProcedure } from "../../trpc";
import { tokenView } from "./tokenView.schema";

/** The caller's own tokens with their last use, as a paged list (REST's GET /tokens). */
export const page = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/tokens", tags: ["tokens"], summary: "The caller's API tokens with role, expiry, last use and revocation" } })
  .input(listQueryInput(["name", "createdAt", "lastUsedAt", "expiresAt"]))
  .output(listPageOutput(tokenView))
  .query(async ({ ctx, input }) =>
    paginate(await ctx.services.auth.listApiTokens(principalOf(ctx)), input, {
      name: (t) => t.name,
      sort: { name: (t) => t.name, createdAt: (t) => t.createdAt.getTime(), lastUsedAt: (t) => t.lastUsedAt?.getTime(), expiresAt: (t) => t.expiresAt?.getTime() },
    }),
  );
