import { createTRPCRouter } from "../../trpc";
import { exportDefinitions } from "./export";
import { importDefinitions } from "./import";

export const definitionsRouter = createTRPCRouter({ export: exportDefinitions, import: importDefinitions });
