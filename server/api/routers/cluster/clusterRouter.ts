import { createTRPCRouter } from "../../trpc";
import { status } from "./status";

export const clusterRouter = createTRPCRouter({ status });
