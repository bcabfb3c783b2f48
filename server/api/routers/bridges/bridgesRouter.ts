import { createTRPCRouter } from "../../trpc";
import { list } from "./list";
import { restart } from "./restart";

export const bridgesRouter = createTRPCRouter({ list, restart });
