import { viewerProcedure } from "../../trpc";
import { messageInput, messageOutput } from "./message.schema";

/** One waiting message: every header (repeats kept) and its body, base64, cut at maxBytes. */
export const message = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/destination/message", tags: ["destinations"], summary: "One waiting message with every header and its body (base64)" } })
  .input(messageInput)
  .output(messageOutput)
  .query(({ ctx, input }) => ctx.services.destinations.message(input.group, input.name, input.id, input.maxBytes));
