import { createTRPCRouter } from "../../trpc";
import { annotate } from "./annotate";
import { children } from "./children";
import { create } from "./create";
import { ensemble } from "./ensemble";
import { remove } from "./delete";
import { get } from "./get";
import { set } from "./set";

export const zkRouter = createTRPCRouter({ children, get, annotate, ensemble, create, set, delete: remove });
