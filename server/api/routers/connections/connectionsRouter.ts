import { createTRPCRouter } from "../../trpc";
import { close } from "./close";
import { durables } from "./durables";
import { list } from "./list";

export const connectionsRouter = createTRPCRouter({ list, durables, close });
