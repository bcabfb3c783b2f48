import { AppError } from "../../../console/AppError";
import { adminProcedure, principalOf } from "../../trpc";
import { setRoleInput, setRoleOutput } from "./setRole.schema";
import { toUserView } from "./userView.schema";

/** Changes a user's role and ends their sessions, so the new role applies at once; never demotes the last admin. */
export const setRole = adminProcedure
  .meta({ openapi: { method: "PUT", path: "/users/{username}/role", tags: ["users"], summary: "Change a user's role (ends their sessions)" } })
  .input(setRoleInput)
  .output(setRoleOutput)
  .mutation(async ({ ctx, input }) => {
    const view = toUserView(await ctx.services.auth.setRole(principalOf(ctx), input.username, input.role));
    if (view === null) throw new AppError("BAD_REQUEST", `stored role of ${input.username} is invalid`);
    ctx.services.live.publish({ type: "invalidate", path: ["users"] });
    return view;
  });
