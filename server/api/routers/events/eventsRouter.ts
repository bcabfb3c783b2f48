import { createTRPCRouter } from "../../trpc";
import { list } from "./list";
import { search } from "./search";
import { page } from "./page";

export const eventsRouter = createTRPCRouter({ list, search, page });
