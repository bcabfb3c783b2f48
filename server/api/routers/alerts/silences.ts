import { z } from "zod";
import { viewerProcedure } from "../../trpc";
import { silenceView } from "./alerts.schema";

export const silences = viewerProcedure
  .output(z.array(silenceView))
  .query(async ({ ctx }) => (await ctx.services.alertConfig.silences()).map((s) => ({ ...s, matchers: (s.matchers ?? {}) as Record<string, string> })));
