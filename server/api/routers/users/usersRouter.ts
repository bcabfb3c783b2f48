import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { remove } from "./delete";
import { list } from "./list";
import { resetPassword } from "./resetPassword";
import { setBodyAccess } from "./setBodyAccess";
import { setDisabled } from "./setDisabled";
import { setRole } from "./setRole";
import { page } from "./page";

export const usersRouter = createTRPCRouter({ list, create, setRole, resetPassword, setDisabled, delete: remove, setBodyAccess, page });
