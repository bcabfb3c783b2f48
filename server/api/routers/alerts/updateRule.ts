import { operatorProcedure } from "../../trpc";
import { ruleInput, ruleView } from "./alerts.schema";

export const updateRule = operatorProcedure
  .input(ruleInput.extend({ id: ruleView.shape.id }))
  .output(ruleView)
  .mutation(({ ctx, input: { id, ...rule } }) => ctx.services.alertConfig.updateRule(id, rule));
