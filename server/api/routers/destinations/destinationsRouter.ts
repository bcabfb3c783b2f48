import { createTRPCRouter } from "../../trpc";
import { browse } from "./browse";
import { bulkApply } from "./bulkApply";
import { bulkPreview } from "./bulkPreview";
import { create } from "./create";
import { remove } from "./delete";
import { get } from "./get";
import { history } from "./history";
import { list } from "./list";
import { message } from "./message";
import { move } from "./move";
import { purge } from "./purge";
import { send } from "./send";
import { page } from "./page";

export const destinationsRouter = createTRPCRouter({ list, get, history, browse, message, create, delete: remove, purge, send, move, bulkPreview, bulkApply, page });
