import { createTRPCRouter } from "../../trpc";
import { children } from "./children";
import { create } from "./create";
import { remove } from "./delete";
import { get } from "./get";
import { set } from "./set";

export const zkRouter = createTRPCRouter({ children, get, create, set, delete: remove });
