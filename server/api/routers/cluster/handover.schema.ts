import { z } from "zod";
import { confirmField } from "./actionPreview.schema";

export const handoverInput = z.object({ name: z.string().min(1).max(128), confirm: confirmField });

export const handoverOutput = z.object({
  name: z.string(),
  /** A slave had acknowledged the whole journal before the node stepped down. */
  caughtUp: z.boolean(),
  position: z.number(),
});
