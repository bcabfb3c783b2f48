import { z } from "zod";
import { definitionsFile } from "../../../console/definitions/definitionsFile";

/** The definitions file as exported (see server/console/definitions/definitionsFile.ts). */
export const exportOutput = definitionsFile.extend({ exportedAt: z.string() });

/** The file's text as uploaded: validated by the service so every problem reads as a sentence. */
export const importInput = z.object({ json: z.string().min(1, "the file is empty").max(10 * 1024 * 1024, "the file is larger than 10 MB") });

const counts = z.object({ created: z.number().int(), existing: z.number().int() });

export const importOutput = z.object({
  destinations: counts,
  users: counts,
  alertRules: counts,
  /** One-time passwords of the users created, shown once. */
  oneTimePasswords: z.array(z.object({ username: z.string(), password: z.string() })),
  problems: z.array(z.string()),
});
