import { operatorProcedure } from "../../trpc";
import { asAppError, drainsFor } from "./drainAccess";
import { drainJob, drainNodeInput } from "./drain.schema";

/** Cancels a drain that has not handed over yet (CONFLICT once the node has stepped down). */
export const cancel = operatorProcedure
  .input(drainNodeInput)
  .output(drainJob)
  .mutation(({ ctx, input }) => {
    const drains = drainsFor(ctx, input.name);
    return asAppError(() => drains.cancel(input.name));
  });
