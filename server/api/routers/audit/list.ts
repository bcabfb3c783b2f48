import { operatorProcedure } from "../../trpc";
import { listAuditInput, listAuditOutput } from "./list.schema";

/** Operators and admins: the audit log holds client addresses. */
export const list = operatorProcedure
  .input(listAuditInput)
  .output(listAuditOutput)
  .query(({ ctx, input }) => ctx.services.audit.list(input));
