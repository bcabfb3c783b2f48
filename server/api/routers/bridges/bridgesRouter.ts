import { createTRPCRouter } from "../../trpc";
import { list } from "./list";
import { restart } from "./restart";
import { page } from "./page";

export const bridgesRouter = createTRPCRouter({ list, restart, page });
