import { createTRPCRouter } from "../../trpc";
import { changePassword } from "./changePassword";
import { login } from "./login";
import { logout } from "./logout";
import { me } from "./me";

export const authRouter = createTRPCRouter({ login, logout, me, changePassword });
