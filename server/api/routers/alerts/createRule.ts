import { operatorProcedure } from "../../trpc";
import { ruleInput, ruleView } from "./alerts.schema";

export const createRule = operatorProcedure
  .meta({ openapi: { method: "POST", path: "/alerts/rules", tags: ["alerts"], summary: "Create an alert rule" } })
  .input(ruleInput)
  .output(ruleView)
  .mutation(({ ctx, input }) => ctx.services.alertConfig.createRule(input));
