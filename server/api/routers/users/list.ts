import { adminProcedure } from "../../trpc";
import { listUsersOutput } from "./list.schema";
import { toUserView } from "./userView.schema";

export const list = adminProcedure.output(listUsersOutput).query(async ({ ctx }) => (await ctx.services.auth.listUsers()).flatMap((u) => toUserView(u) ?? []));
