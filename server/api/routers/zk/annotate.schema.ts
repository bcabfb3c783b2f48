import { z } from "zod";
import { zkPath } from "./zkPath.schema";

export const annotateInput = z.object({ path: zkPath });
export const annotateOutput = z.object({ path: z.string(), annotation: z.string().nullable() });
