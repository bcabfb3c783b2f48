import { createTRPCRouter } from "../../trpc";
import { acl } from "./acl";
import { annotate } from "./annotate";
import { children } from "./children";
import { create } from "./create";
import { ensemble } from "./ensemble";
import { remove } from "./delete";
import { deletePreview } from "./deletePreview";
import { deleteRecursive } from "./deleteRecursive";
import { get } from "./get";
import { set } from "./set";

export const zkRouter = createTRPCRouter({ children, get, acl, annotate, ensemble, create, set, delete: remove, deletePreview, deleteRecursive });
