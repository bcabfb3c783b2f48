import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { AuthorizationEntryConfig, SecurityConfig, UserConfig } from "../../config/securitySchema";
import type { AccessControl, Principal } from "../stomp/StompConnection";
import { matchesDestination, parseDestinationPattern, type DestinationPattern } from "./destinationPattern";
import { DEFAULT_SCRYPT_PARAMS, verifyPassword } from "./passwordHash";

export type Action = "read" | "write" | "admin";

interface CompiledEntry {
  pattern: DestinationPattern;
  groups: Record<Action, ReadonlySet<string>>;
}

export interface SecurityAccessOptions {
  config: SecurityConfig;
  logger: Logger;
  /** Whether a destination (broker key) exists; creating one needs `admin` (ActiveMQ semantics). */
  exists?: (destination: string) => boolean;
}

/** The group an anonymous principal belongs to (ActiveMQ's anonymousGroup). */
export const ANONYMOUS_GROUP = "anonymous";
const AUTH_REFUSAL = "Authentication failed: unknown user or wrong password";
/** Destinations per action whose allowed groups are remembered. */
const GROUPS_MEMO_SIZE = 10_000;
/**
 * scrypt checks running on the libuv pool at once. The pool (4 threads by default) also serves
 * file-system calls; a flood of logins must not take all of it.
 */
const CHECKS_IN_PARALLEL = 2;
/** Logins waiting for a check slot; past this the broker answers "busy" instead of queueing more. */
const CHECKS_WAITING_MAX = 256;

/**
 * simpleAuthenticationPlugin + authorizationPlugin for STOMP.
 *
 * Authorisation: the groups allowed an action on a destination are the union over every entry
 * whose pattern matches (ActiveMQ's DefaultAuthorizationMap unions the ACLs of all matching
 * entries); no matching entry → refused. Temporary destinations with no matching entry are open
 * to any authenticated principal, as in ActiveMQ when no tempDestinationAuthorizationEntry is set.
 * Using a queue or topic that does not exist yet creates it, which also needs `admin`.
 */
export class SecurityAccess implements AccessControl {
  private readonly users = new Map<string, UserConfig>();
  private readonly entries: CompiledEntry[];
  private readonly allowAnonymous: boolean;
  /**
   * user → HMAC(cacheKey, passcode) of the last successful login. Lets repeat logins skip scrypt
   * (which blocks the event loop) without keeping anything that reveals the password; the key is
   * random per process, so the cache is useless outside it.
   */
  private readonly verified = new Map<string, Buffer>();
  private readonly cacheKey = randomBytes(32);
  private readonly groupsMemo: Record<Action, Map<string, ReadonlySet<string> | null>> = { read: new Map(), write: new Map(), admin: new Map() };
  /** Verified against when the user is unknown, so that timing does not tell which users exist. */
  private readonly decoyHash: string;
  private checksRunning = 0;
  private readonly checksWaiting: Array<() => void> = [];

  constructor(private readonly o: SecurityAccessOptions) {
    for (const u of o.config.users ?? []) this.users.set(u.username, u);
    this.entries = (o.config.authorizationEntries ?? []).map(compileEntry);
    this.allowAnonymous = o.config.allowAnonymous ?? false;
    const p = DEFAULT_SCRYPT_PARAMS;
    this.decoyHash = `scrypt$${p.N}$${p.r}$${p.p}$${randomBytes(16).toString("base64")}$${randomBytes(32).toString("base64")}`;
  }

  /** At once when no password check is needed (anonymous, missing login, a cached success); else a promise. */
  authenticate(login: string | undefined, passcode: string | undefined): Principal | string | Promise<Principal | string> {
    if (login === undefined || login === "") {
      if (this.allowAnonymous) return { user: null, groups: [ANONYMOUS_GROUP] };
      return "Authentication failed: this broker requires a login and passcode";
    }
    const user = this.users.get(login);
    const given = passcode ?? "";
    if (user) {
      const mac = createHmac("sha256", this.cacheKey).update(login).update("\0").update(given).digest();
      const cached = this.verified.get(login);
      if (cached && timingSafeEqual(cached, mac)) return { user: login, groups: [...user.groups] };
    }
    return this.check(given, user?.passwordHash ?? this.decoyHash).then((ok) => {
      if (ok === null) return "Authentication failed: the broker is busy checking other logins, try again later";
      if (!user || !ok) return AUTH_REFUSAL;
      this.verified.set(login, createHmac("sha256", this.cacheKey).update(login).update("\0").update(given).digest());
      return { user: login, groups: [...user.groups] };
    });
  }

  /** One scrypt check on the libuv pool, at most CHECKS_IN_PARALLEL at once; null when too many wait. */
  private async check(password: string, hash: string): Promise<boolean | null> {
    if (this.checksRunning >= CHECKS_IN_PARALLEL) {
      if (this.checksWaiting.length >= CHECKS_WAITING_MAX) return null;
      // The finishing check hands its slot over: checksRunning already counts this one.
      await new Promise<void>((resolve) => this.checksWaiting.push(resolve));
    } else {
      this.checksRunning++;
    }
    try {
      return await verifyPassword(password, hash);
    } catch (err) {
      this.o.logger.error({ err }, "password check failed");
      return false;
    } finally {
      const next = this.checksWaiting.shift();
      if (next) next();
      else this.checksRunning--;
    }
  }

  authorize(principal: Principal, action: Action, destination: string): string | null {
    const who = principal.user ?? "anonymous";
    const isTemp = destination.startsWith("/temp-");
    if (!isTemp && action !== "admin" && this.o.exists && !this.o.exists(destination)) {
      // Auto-creation is an admin act (ActiveMQ: "User x is not authorized to create: …").
      if (!this.allowed(principal, "admin", destination, false)) {
        return `User ${who} is not authorized to create ${destination} (it does not exist; creating it needs admin)`;
      }
    }
    if (this.allowed(principal, action, destination, isTemp)) return null;
    return `User ${who} is not authorized to ${action} ${destination}`;
  }

  /** Groups allowed `action` on `destination`, or null when no entry covers it. */
  groupsFor(action: Action, destination: string): ReadonlySet<string> | null {
    // Every SEND and SUBSCRIBE asks; the entries never change for this object's life, so the
    // union is computed once per action and destination (bounded: random names cannot grow it).
    // One map per action keyed by the destination itself: a broker's destination keys are
    // long-lived strings whose hash V8 keeps, where a composite key would be rebuilt every call.
    const memo = this.groupsMemo[action];
    const hit = memo.get(destination);
    if (hit !== undefined) return hit;
    const out = this.computeGroups(action, destination);
    if (memo.size >= GROUPS_MEMO_SIZE) memo.clear();
    memo.set(destination, out);
    return out;
  }

  private computeGroups(action: Action, destination: string): Set<string> | null {
    let out: Set<string> | null = null;
    for (const e of this.entries) {
      if (!matchesDestination(e.pattern, destination)) continue;
      out ??= new Set();
      for (const g of e.groups[action]) out.add(g);
    }
    return out;
  }

  private allowed(principal: Principal, action: Action, destination: string, openIfUncovered: boolean): boolean {
    const groups = this.groupsFor(action, destination);
    if (groups === null) return openIfUncovered && principal.user !== null;
    // "*" in an entry's group list means every principal, including an allowed anonymous one.
    if (groups.has("*")) return true;
    return principal.groups.some((g) => groups.has(g));
  }
}

function compileEntry(e: AuthorizationEntryConfig): CompiledEntry {
  const pattern = parseDestinationPattern(e.destination);
  // The schema validated it; failing here means the config was built without the schema.
  if (!pattern) throw new Error(`invalid authorization destination pattern "${e.destination}"`);
  return {
    pattern,
    groups: { read: new Set(e.read), write: new Set(e.write), admin: new Set(e.admin) },
  };
}

/** True when the cluster file configures users, i.e. security is on. */
export function securityEnabled(config: SecurityConfig): boolean {
  return (config.users?.length ?? 0) > 0;
}

/** Builds the node's AccessControl: open access (with a warning) when no users are configured. */
export function createAccessControl(options: SecurityAccessOptions, open: () => AccessControl): AccessControl {
  if (!securityEnabled(options.config)) {
    if ((options.config.authorizationEntries?.length ?? 0) > 0) {
      options.logger.warn("authorizationEntries are configured but no users: they are ignored until users are added");
    }
    options.logger.warn("no users are configured: STOMP clients connect anonymously with full rights");
    return open();
  }
  options.logger.info(
    { users: options.config.users?.length ?? 0, entries: options.config.authorizationEntries?.length ?? 0, allowAnonymous: options.config.allowAnonymous ?? false },
    "STOMP authentication and authorization enabled",
  );
  return new SecurityAccess(options);
}
