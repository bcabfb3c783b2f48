import { adminProcedure } from "../../trpc";
import { exportOutput } from "./definitions.schema";

/** Destinations, users (without secrets) and alert rules as one JSON document. */
export const exportDefinitions = adminProcedure
  .meta({ openapi: { method: "GET", path: "/definitions", tags: ["definitions"], summary: "Destinations, users (no secrets) and alert rules as one document" } }).output(exportOutput).query(({ ctx }) => ctx.services.definitions.export());
