import { z } from "zod";
import { viewerProcedure } from "../../trpc";
import { ruleView } from "./alerts.schema";

export const rules = viewerProcedure.output(z.array(ruleView)).query(({ ctx }) => ctx.services.alertConfig.rules());
