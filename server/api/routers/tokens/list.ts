import { principalOf, viewerProcedure } from "../../trpc";
import { listTokensOutput } from "./list.schema";

/** The caller's own tokens. */
export const list = viewerProcedure.output(listTokensOutput).query(({ ctx }) => ctx.services.auth.listApiTokens(principalOf(ctx)));
