import { z } from "zod";
import { userView } from "./userView.schema";

export const listUsersOutput = z.array(userView);
