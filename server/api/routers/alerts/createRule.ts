import { operatorProcedure } from "../../trpc";
import { ruleInput, ruleView } from "./alerts.schema";

export const createRule = operatorProcedure
  .input(ruleInput)
  .output(ruleView)
  .mutation(({ ctx, input }) => ctx.services.alertConfig.createRule(input));
