import { createTRPCRouter } from "../../trpc";
import { list } from "./list";

export const eventsRouter = createTRPCRouter({ list });
