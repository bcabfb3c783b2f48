import { createTRPCRouter } from "../../trpc";
import { cancel } from "./cancel";
import { preview } from "./preview";
import { start } from "./start";
import { status } from "./status";

export const drainRouter = createTRPCRouter({ preview, start, cancel, status });
