import { readMessage } from "../../../console/destinations/readMessage";
import { principalOf, viewerProcedure } from "../../trpc";
import { messageInput, messageOutput } from "./message.schema";

/** One waiting message: every header (repeats kept) and, for those who may read bodies, its body (audited). */
export const message = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/destination/message", tags: ["destinations"], summary: "One waiting message with every header and its body (base64)" } })
  .input(messageInput)
  .output(messageOutput)
  .query(async ({ ctx, input }) => {
    const r = await readMessage(ctx.services, { principal: principalOf(ctx), ip: ctx.ip }, input);
    ctx.services.live.publish({ type: "invalidate", path: ["audit"] });
    return r;
  });
