import { AppError } from "../../../console/AppError";
import { adminProcedure } from "../../trpc";
import { setBodyAccessInput, setBodyAccessOutput } from "./manage.schema";
import { toUserView } from "./userView.schema";

/** Lets a viewer read message bodies, or takes it back (operators and admins always may). */
export const setBodyAccess = adminProcedure
  .meta({ openapi: { method: "PUT", path: "/users/{username}/body-access", tags: ["users"], summary: "Let a viewer read message bodies, or take it back" } })
  .input(setBodyAccessInput)
  .output(setBodyAccessOutput)
  .mutation(async ({ ctx, input }) => {
    const view = toUserView(await ctx.services.auth.setBodyAccess(input.username, input.canReadBodies));
    if (view === null) throw new AppError("BAD_REQUEST", `stored role of ${input.username} is invalid`);
    ctx.services.live.publish({ type: "invalidate", path: ["users"] });
    return view;
  });
