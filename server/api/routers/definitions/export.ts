import { adminProcedure } from "../../trpc";
import { exportOutput } from "./definitions.schema";

/** Destinations, users (without secrets) and alert rules as one JSON document. */
export const exportDefinitions = adminProcedure.output(exportOutput).query(({ ctx }) => ctx.services.definitions.export());
