import { z } from "zod";
import { tokenView } from "./tokenView.schema";

export const listTokensOutput = z.array(tokenView);
