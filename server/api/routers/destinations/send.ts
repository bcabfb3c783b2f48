import { operatorProcedure } from "../../trpc";
import { sendInput, sendOutput } from "./send.schema";

/** Sends one test message as a producer would; answers once the group's sync policy holds for it. */
export const send = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/destination/send", tags: ["destinations"], summary: "Send one message as a producer would" } })
  .input(sendInput)
  .output(sendOutput)
  .mutation(async ({ ctx, input }) => {
    const { group, name, ...message } = input;
    const r = await ctx.services.destinations.send(group, name, message);
    ctx.services.live.publish({ type: "invalidate", path: ["destinations"] });
    return r;
  });
