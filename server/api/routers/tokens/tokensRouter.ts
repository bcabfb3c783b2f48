import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { list } from "./list";
import { revoke } from "./revoke";
import { page } from "./page";

export const tokensRouter = createTRPCRouter({ list, create, revoke, page });
