import { z } from "zod";

export const ensembleOutput = z.object({
  connectString: z.string().nullable(),
  servers: z.array(
    z.object({
      server: z.string(),
      reachable: z.boolean(),
      mode: z.string().nullable(),
      version: z.string().nullable(),
      zxid: z.string().nullable(),
      connections: z.number().nullable(),
      latency: z.string().nullable(),
      outstanding: z.number().nullable(),
      znodes: z.number().nullable(),
      refused: z.array(z.string()),
      error: z.string().nullable(),
    }),
  ),
});
