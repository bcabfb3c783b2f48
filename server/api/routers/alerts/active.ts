import { z } from "zod";
import { viewerProcedure } from "../../trpc";
import { activeAlertView } from "./alerts.schema";

/** Pending and firing alerts, most severe first. */
export const active = viewerProcedure
  .output(z.array(activeAlertView))
  .query(({ ctx }) => ctx.services.alerts.active());
