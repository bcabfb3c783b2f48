import type { Role } from "./roles";

/** Who is calling: a logged-in user (cookie session) or an automation client (API token). */
export interface Principal {
  kind: "session" | "token";
  userId: number;
  username: string;
  role: Role;
  /** Shown in the audit log: the username, or "token:<name>@<username>". */
  label: string;
  mustChangePassword: boolean;
  /** May read message bodies: operators and admins always, a viewer when an admin allowed it. */
  canReadBodies: boolean;
}
