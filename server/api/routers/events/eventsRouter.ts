import { createTRPCRouter } from "../../trpc";
import { list } from "./list";
import { search } from "./search";

export const eventsRouter = createTRPCRouter({ list, search });
