import { operatorProcedure } from "../../trpc";
import { ruleInput, ruleView } from "./alerts.schema";

export const updateRule = operatorProcedure
  .meta({ openapi: { method: "PUT", path: "/alerts/rules/{id}", tags: ["alerts"], summary: "Replace an alert rule" } })
  .input(ruleInput.extend({ id: ruleView.shape.id }))
  .output(ruleView)
  .mutation(({ ctx, input: { id, ...rule } }) => ctx.services.alertConfig.updateRule(id, rule));
