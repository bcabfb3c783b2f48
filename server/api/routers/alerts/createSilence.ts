import { z } from "zod";
import { operatorProcedure, principalOf } from "../../trpc";
import { silenceView } from "./alerts.schema";

/** Mutes notifications of alerts whose labels match every matcher, for a time window. */
export const createSilence = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/alerts/silences", tags: ["alerts"], summary: "Silence matching alerts for a time window" } })
  .input(
    z.object({
      matchers: z.record(z.string().min(1).max(100), z.string().max(1000)),
      durationMinutes: z.number().int().min(1).max(30 * 24 * 60),
      comment: z.string().max(1000).default(""),
    }),
  )
  .output(silenceView)
  .mutation(async ({ ctx, input }) => {
    const s = await ctx.services.alertConfig.createSilence(input, principalOf(ctx).username);
    return { ...s, matchers: (s.matchers ?? {}) as Record<string, string> };
  });
