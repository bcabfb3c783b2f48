// Users, per-destination permissions and the admin API listener, in the spirit of ActiveMQ's
// simpleAuthenticationPlugin + authorizationPlugin:
//
//   users:
//     - { username: app, passwordHash: "scrypt$16384$8$1$<salt b64>$<hash b64>", groups: [apps] }
//   authorizationEntries:
//     - { destination: "/queue/orders.>", read: [apps], write: [apps], admin: [admins] }
//   allowAnonymous: false
//   adminToken: "…"            # shared by every node; omitted → each node generates its own
//
// Passwords never appear in the file: `passwordHash` is the string hashPassword() returns.
import { z } from "zod";
import { isDestinationPattern } from "../runtime/security/destinationPattern";
import { isPasswordHash } from "../runtime/security/passwordHash";

const groupList = z.array(z.string().min(1)).default([]);

export const userSchema = z.strictObject({
  username: z.string().min(1).max(256),
  passwordHash: z.string().refine(isPasswordHash, {
    message: "passwordHash must be a scrypt hash (scrypt$N$r$p$salt$hash) as made by hashPassword(); plaintext passwords are not accepted",
  }),
  groups: groupList,
});

export const authorizationEntrySchema = z.strictObject({
  /** ActiveMQ wildcards after the kind prefix: `.` separates segments, `*` one segment, `>` the rest. */
  destination: z.string().refine(isDestinationPattern, {
    message: "destination must start with /queue/, /topic/, /temp-queue/ or /temp-topic/ and use '>' only as the last segment",
  }),
  read: groupList,
  write: groupList,
  admin: groupList,
});

/** Cluster-level security fields; all optional so a file without them keeps open access. */
export const securityFields = {
  users: z
    .array(userSchema)
    .superRefine((users, ctx) => {
      const seen = new Set<string>();
      users.forEach((u, i) => {
        if (seen.has(u.username)) ctx.addIssue({ code: "custom", path: [i, "username"], message: `duplicate user "${u.username}"` });
        seen.add(u.username);
      });
    })
    .optional(),
  authorizationEntries: z.array(authorizationEntrySchema).optional(),
  /** With users configured, a CONNECT without login is refused unless this is true. */
  allowAnonymous: z.boolean().optional(),
  /** Bearer token of every node's admin API; omitted → generated per node into <dataDir>/admin.token. */
  adminToken: z.string().min(16, "adminToken must be at least 16 characters").optional(),
};

export const adminListenerSchema = z.strictObject({
  enabled: z.boolean().default(true),
  host: z.string().default("127.0.0.1"),
  /** 0 = ephemeral (tests). Nodes sharing a host need distinct ports. */
  port: z.number().int().min(0).max(65535).default(8162),
  /** Overrides the cluster's adminToken for this node. */
  token: z.string().min(16, "admin token must be at least 16 characters").optional(),
});

export type UserConfig = z.output<typeof userSchema>;
export type AuthorizationEntryConfig = z.output<typeof authorizationEntrySchema>;
export type AdminListenerConfig = z.output<typeof adminListenerSchema>;

/** What a node needs to build its AccessControl. */
export interface SecurityConfig {
  users?: UserConfig[];
  authorizationEntries?: AuthorizationEntryConfig[];
  allowAnonymous?: boolean;
  adminToken?: string;
}
