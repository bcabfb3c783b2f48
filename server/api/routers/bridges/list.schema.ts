import { z } from "zod";
import { bridgeViewSchema } from "../../../runtime/admin/bridgesSchema";

export const listBridgesOutput = z.object({
  /** Every bridge run by the current master of each group, as that master reports it. */
  bridges: z.array(bridgeViewSchema.extend({ at: z.number() })),
  /** Groups whose bridges could not be read (no master, or its admin API did not answer). */
  unreachable: z.array(z.object({ group: z.string(), reason: z.string() })),
});
