import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { list } from "./list";
import { resetPassword } from "./resetPassword";
import { setRole } from "./setRole";
import { page } from "./page";

export const usersRouter = createTRPCRouter({ list, create, setRole, resetPassword, page });
