import { z } from "zod";
import { ROLES } from "../../../console/auth/roles";
import { userView } from "./userView.schema";

export const setRoleInput = z.object({ username: z.string().min(1).max(64), role: z.enum(ROLES) });
export const setRoleOutput = userView;
