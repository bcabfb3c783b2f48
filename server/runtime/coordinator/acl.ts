// ACL checks and auth schemes: world and digest (section 1.(a)21).
// Src: apache/zookeeper server/auth/DigestAuthenticationProvider.java, PrepRequestProcessor.checkACL/fixupACL.
import { createHash } from "node:crypto";
import { Err, KeeperError, Perms, type Acl, type Id } from "./protocol";

export const WORLD_ANYONE: Id = { scheme: "world", id: "anyone" };

/** digest id for "user:password": user:base64(sha1("user:password")). */
export function digestId(userColonPassword: string): string {
  const user = userColonPassword.split(":", 1)[0];
  const hash = createHash("sha1").update(userColonPassword, "utf8").digest("base64");
  return `${user}:${hash}`;
}

/** Turns an AuthPacket into an identity, or null if the scheme is unknown or the data malformed. */
export function authenticate(scheme: string, auth: Buffer): Id | null {
  if (scheme !== "digest") return null;
  const s = auth.toString("utf8");
  if (!s.includes(":")) return null;
  return { scheme: "digest", id: digestId(s) };
}

/** True if any ACL entry with the permission matches one of the caller's ids. */
export function permits(acl: readonly Acl[], perm: number, ids: readonly Id[]): boolean {
  if (acl.length === 0) return true; // ZooKeeper: an empty ACL list allows everything
  for (const a of acl) {
    if ((a.perms & perm) === 0) continue;
    if (a.id.scheme === "world" && a.id.id === "anyone") return true;
    for (const id of ids) if (id.scheme === a.id.scheme && id.id === a.id.id) return true;
  }
  return false;
}

export function checkPerm(acl: readonly Acl[], perm: number, ids: readonly Id[], path: string): void {
  if (!permits(acl, perm, ids)) throw new KeeperError(Err.NoAuth, `not authorized for ${permName(perm)} on ${path}`);
}

function permName(perm: number): string {
  return Object.entries(Perms).find(([, v]) => v === perm)?.[0] ?? String(perm);
}

/**
 * Validates an ACL list for create/setACL and expands the "auth" scheme to the caller's
 * authenticated (non-world) ids, as ZooKeeper's fixupACL does.
 */
export function fixupAcl(acl: readonly Acl[], ids: readonly Id[]): Acl[] {
  if (acl.length === 0) throw new KeeperError(Err.InvalidACL, "empty ACL");
  const out: Acl[] = [];
  for (const a of acl) {
    if ((a.perms & ~Perms.ALL) !== 0 || a.perms === 0) throw new KeeperError(Err.InvalidACL, `invalid perms ${a.perms}`);
    switch (a.id.scheme) {
      case "world":
        if (a.id.id !== "anyone") throw new KeeperError(Err.InvalidACL, `world scheme id must be "anyone"`);
        out.push(a);
        break;
      case "auth": {
        const mine = ids.filter((i) => i.scheme !== "world");
        if (mine.length === 0) throw new KeeperError(Err.InvalidACL, "auth scheme ACL but the connection is not authenticated");
        for (const id of mine) out.push({ perms: a.perms, id });
        break;
      }
      case "digest":
        if (!/^[^:]+:[^:]+$/.test(a.id.id)) throw new KeeperError(Err.InvalidACL, `digest id must be user:base64hash`);
        out.push(a);
        break;
      case "ip":
        out.push(a);
        break;
      default:
        throw new KeeperError(Err.InvalidACL, `unsupported ACL scheme ${a.id.scheme}`);
    }
  }
  return out;
}
