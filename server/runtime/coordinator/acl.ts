// ACL checks and auth schemes: world, digest, ip and the digest superuser (section 1.(a)21).
// Src: apache/zookeeper server/auth/{Digest,IP}AuthenticationProvider.java,
// PrepRequestProcessor.fixupACL and ZooKeeperServer.checkACL (3.8).
import { createHash } from "node:crypto";
import { Err, KeeperError, Perms, type Acl, type Id } from "./protocol";

export const WORLD_ANYONE: Id = { scheme: "world", id: "anyone" };
/** The id a superuser carries (ZooKeeper adds Id("super", "") next to the digest id). */
export const SUPER_ID: Id = { scheme: "super", id: "" };

/** digest id for "user:password": user:base64(sha1("user:password")). */
export function digestId(userColonPassword: string): string {
  const user = userColonPassword.split(":", 1)[0];
  const hash = createHash("sha1").update(userColonPassword, "utf8").digest("base64");
  return `${user}:${hash}`;
}

export interface AuthContext {
  /** The client's address as the server sees it, for the `ip` scheme. */
  remoteAddress: string;
  /** "user:base64(sha1)" of the superuser, or undefined for none (zookeeper.DigestAuthenticationProvider.superDigest). */
  superDigest?: string;
}

/**
 * Turns an AuthPacket into the ids it adds to the connection, or null if the scheme is unknown
 * (AuthFailed). ZooKeeper's digest provider takes any data: "user" alone hashes to "user:…".
 */
export function authenticate(scheme: string, auth: Buffer, ctx: AuthContext): Id[] | null {
  switch (scheme) {
    case "digest": {
      const id = digestId(auth.toString("utf8"));
      const out: Id[] = [];
      if (ctx.superDigest !== undefined && id === ctx.superDigest) out.push(SUPER_ID);
      out.push({ scheme: "digest", id });
      return out;
    }
    case "ip":
      return [{ scheme: "ip", id: plainIpv4(ctx.remoteAddress) }];
    default:
      return null;
  }
}

/** Node reports IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d; ZooKeeper's ids are a.b.c.d. */
export function plainIpv4(addr: string): string {
  return addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
}

/** Schemes whose ids are proof of who the client is: what the `auth` ACL scheme expands to. */
function isAuthenticatedScheme(scheme: string): boolean {
  return scheme === "digest"; // ZooKeeper: digest, sasl, x509; Tandem offers digest only
}

/** IPAuthenticationProvider.v4addr2Bytes: four decimal octets, else null (3.8 has no IPv6 ACLs). */
function v4Bytes(addr: string): number[] | null {
  const parts = addr.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[+-]?\d{1,10}$/.test(p)) return null;
    const v = Number(p);
    if (v < 0 || v > 255) return null;
    out.push(v);
  }
  return out;
}

/** "a.b.c.d" or "a.b.c.d/bits": the address bytes and prefix length, or null if invalid. */
function parseIpAcl(expr: string): { bytes: number[]; bits: number } | null {
  const slash = expr.indexOf("/");
  const bytes = v4Bytes(slash < 0 ? expr : expr.slice(0, slash));
  if (!bytes) return null;
  if (slash < 0) return { bytes, bits: 32 };
  const b = expr.slice(slash + 1);
  if (!/^[+-]?\d{1,10}$/.test(b)) return null;
  const bits = Number(b);
  if (bits < 0 || bits > 32) return null;
  return { bytes, bits };
}

function ipMatches(clientAddr: string, aclExpr: string): boolean {
  const acl = parseIpAcl(aclExpr);
  const client = v4Bytes(plainIpv4(clientAddr));
  if (!acl || !client) return false;
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(8, acl.bits - i * 8));
    const mask = (0xff << (8 - keep)) & 0xff;
    if ((client[i] & mask) !== (acl.bytes[i] & mask)) return false;
  }
  return true;
}

/** AuthenticationProvider.isValid for the schemes an ACL may name. */
function isValidId(scheme: string, id: string): boolean {
  switch (scheme) {
    case "digest": {
      // Java's split(":") drops trailing empty strings: "u:h" is valid, "u:" and "u:h:x" are not.
      const parts = id.split(":");
      while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
      return parts.length === 2;
    }
    case "ip":
      return parseIpAcl(id) !== null;
    default:
      return false; // world:<not anyone>, super, unknown schemes: no provider validates them
  }
}

function idMatches(scheme: string, clientId: string, aclId: string): boolean {
  return scheme === "ip" ? ipMatches(clientId, aclId) : clientId === aclId;
}

/** ZooKeeperServer.checkACL: empty ACL allows all, a superuser passes everything. */
export function permits(acl: readonly Acl[], perm: number, ids: readonly Id[]): boolean {
  if (acl.length === 0) return true;
  if (ids.some((i) => i.scheme === "super")) return true;
  for (const a of acl) {
    if ((a.perms & perm) === 0) continue;
    if (a.id.scheme === "world" && a.id.id === "anyone") return true;
    if (a.id.scheme !== "digest" && a.id.scheme !== "ip") continue;
    for (const id of ids) if (id.scheme === a.id.scheme && idMatches(id.scheme, id.id, a.id.id)) return true;
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
 * PrepRequestProcessor.fixupACL: drops duplicate entries, validates every id with its scheme,
 * and expands `auth` to the caller's authenticated ids only — never to `ip` or `world`: an
 * `auth` ACL must not let in an unauthenticated client that happens to share the address.
 * Perms are not checked, as in ZooKeeper.
 */
export function fixupAcl(acl: readonly Acl[], ids: readonly Id[], path: string): Acl[] {
  const invalid = (why: string): never => {
    throw new KeeperError(Err.InvalidACL, `invalid ACL for ${path}: ${why}`);
  };
  const unique: Acl[] = [];
  for (const a of acl) {
    if (!unique.some((u) => u.perms === a.perms && u.id.scheme === a.id.scheme && u.id.id === a.id.id)) unique.push(a);
  }
  if (unique.length === 0) invalid("empty");
  const out: Acl[] = [];
  for (const a of unique) {
    if (a.id.scheme === "world" && a.id.id === "anyone") {
      out.push(a);
    } else if (a.id.scheme === "auth") {
      const mine = ids.filter((i) => isAuthenticatedScheme(i.scheme));
      if (mine.length === 0) invalid("auth scheme but the connection has no authenticated id (add digest credentials first)");
      for (const id of mine) out.push({ perms: a.perms, id });
    } else {
      if (!isValidId(a.id.scheme, a.id.id)) invalid(`${a.id.scheme}:${a.id.id} is not a valid id`);
      out.push(a);
    }
  }
  return out;
}
