import { z } from "zod";
import { strictBoolean } from "../../rest/strictBoolean";
import { CONDITION_KINDS } from "../../../console/alerts/alertConditions";

const labelMap = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "label names are letters, digits and _ (Prometheus' rule)"), z.string().max(1000));

export const ruleInput = z.object({
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, "a rule name is letters, digits and _ . : -"),
  enabled: strictBoolean.default(true),
  metric: z.enum(CONDITION_KINDS as [string, ...string[]]),
  comparator: z.enum(["gt", "gte", "lt", "lte"]),
  threshold: z.number().finite(),
  forSeconds: z.number().int().min(0).max(7 * 24 * 3600),
  group: z.string().max(200).nullable().default(null),
  node: z.string().max(200).nullable().default(null),
  destination: z.string().max(600).nullable().default(null),
  severity: z.enum(["critical", "warning", "info"]),
  labels: labelMap.default({}),
  annotations: labelMap.default({}),
});

export const ruleView = ruleInput.extend({ id: z.number().int() });

export const activeAlertView = z.object({
  fingerprint: z.string(),
  ruleId: z.number().int(),
  rule: z.string(),
  severity: z.enum(["critical", "warning", "info"]),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  state: z.enum(["pending", "firing"]),
  value: z.number(),
  activeAt: z.number(),
  firedAt: z.number().nullable(),
  silencedBy: z.number().int().nullable(),
});

export const silenceView = z.object({
  id: z.number().int(),
  matchers: z.record(z.string(), z.string()),
  startsAt: z.date(),
  endsAt: z.date(),
  createdBy: z.string(),
  comment: z.string(),
});

export const idInput = z.object({ id: z.number().int().positive() });
