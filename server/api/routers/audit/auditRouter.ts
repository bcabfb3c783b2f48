import { createTRPCRouter } from "../../trpc";
import { list } from "./list";
import { page } from "./page";

export const auditRouter = createTRPCRouter({ list, page });
