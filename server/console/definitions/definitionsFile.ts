import { z, type ZodError } from "zod";
import { ROLES } from "../auth/roles";
import { CONDITION_KINDS } from "../alerts/alertConditions";

const labelMap = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "label names are letters, digits and _"), z.string().max(1000));

/**
 * The definitions file: what makes a cluster's console setup, without secrets — destinations,
 * users (no password hashes, no tokens) and alert rules — in the spirit of RabbitMQ's
 * definitions export. Versioned so a later format can still read this one.
 */
export const definitionsFile = z.object({
  format: z.literal("tandem-definitions", { error: 'this is not a Tandem definitions file (format must be "tandem-definitions")' }),
  version: z.literal(1, { error: "only version 1 of the definitions format is known" }),
  exportedAt: z.string().optional(),
  destinations: z
    .array(
      z.object({
        group: z.string({ error: "a destination needs the group it lives in" }).min(1, "a destination needs the group it lives in"),
        kind: z.enum(["queue", "topic"], { error: 'kind must be "queue" or "topic"' }),
        name: z.string({ error: "a destination needs a name" }).min(1, "a destination needs a name").max(600),
      }),
    )
    .default([]),
  users: z
    .array(
      z.object({
        username: z.string({ error: "a user needs a username" }).regex(/^[a-z][a-z0-9_.-]{1,31}$/, "a username is 2-32 characters: a-z, 0-9, _ . - (starting with a letter)"),
        role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` }),
        disabled: z.boolean().default(false),
        canReadBodies: z.boolean().default(false),
      }),
    )
    .default([]),
  alertRules: z
    .array(
      z.object({
        name: z.string().trim().min(1, "a rule needs a name").max(100).regex(/^[A-Za-z0-9_.:-]+$/, "a rule name is letters, digits and _ . : -"),
        enabled: z.boolean().default(true),
        metric: z.enum(CONDITION_KINDS as [string, ...string[]], { error: `metric must be one of ${CONDITION_KINDS.join(", ")}` }),
        comparator: z.enum(["gt", "gte", "lt", "lte"], { error: "comparator must be gt, gte, lt or lte" }),
        threshold: z.number({ error: "threshold must be a number" }).finite(),
        forSeconds: z.number().int().min(0).max(7 * 24 * 3600).default(0),
        group: z.string().max(200).nullable().default(null),
        node: z.string().max(200).nullable().default(null),
        destination: z.string().max(600).nullable().default(null),
        severity: z.enum(["critical", "warning", "info"], { error: "severity must be critical, warning or info" }),
        labels: labelMap.default({}),
        annotations: labelMap.default({}),
      }),
    )
    .default([]),
});

export type DefinitionsFile = z.output<typeof definitionsFile>;

/** "users[2].role: role must be one of viewer, operator, admin" — where, then what, for a person. */
export function issuesAsSentences(err: ZodError): string[] {
  return err.issues.map((i) => {
    const where = i.path.map((p, n) => (typeof p === "number" ? `[${p}]` : `${n === 0 ? "" : "."}${String(p)}`)).join("");
    return where === "" ? i.message : `${where}: ${i.message}`;
  });
}

/** Reads a definitions file's text: JSON first, then the format; every problem as a sentence. */
export function parseDefinitions(text: string): { ok: true; file: DefinitionsFile } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`the file is not valid JSON (${(err as Error).message})`] };
  }
  const r = definitionsFile.safeParse(raw);
  return r.success ? { ok: true, file: r.data } : { ok: false, problems: issuesAsSentences(r.error) };
}
