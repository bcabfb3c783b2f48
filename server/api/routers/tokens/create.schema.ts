import { z } from "zod";
import { ROLES } from "../../../console/auth/roles";
import { tokenView } from "./tokenView.schema";

export const createTokenInput = z.object({
  name: z.string().min(1).max(64),
  role: z.enum(ROLES),
  /** null = never expires */
  ttlDays: z.number().int().min(1).max(3650).nullable(),
});

export const createTokenOutput = z.object({
  /** `Authorization: Bearer <token>`; shown once, only its hash is stored. */
  token: z.string(),
  summary: tokenView,
});
