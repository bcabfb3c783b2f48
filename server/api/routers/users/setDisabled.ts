import { AppError } from "../../../console/AppError";
import { adminProcedure, principalOf } from "../../trpc";
import { setDisabledInput, setDisabledOutput } from "./manage.schema";
import { toUserView } from "./userView.schema";

/** Disables a user (their sessions end, their API tokens stop working) or enables them again. */
export const setDisabled = adminProcedure
  .meta({ openapi: { method: "PUT", path: "/users/{username}/disabled", tags: ["users"], summary: "Disable a user (sessions end, tokens stop working) or enable them again" } })
  .input(setDisabledInput)
  .output(setDisabledOutput)
  .mutation(async ({ ctx, input }) => {
    const view = toUserView(await ctx.services.auth.setDisabled(principalOf(ctx), input.username, input.disabled));
    if (view === null) throw new AppError("BAD_REQUEST", `stored role of ${input.username} is invalid`);
    ctx.services.live.publish({ type: "invalidate", path: ["users"] });
    return view;
  });
