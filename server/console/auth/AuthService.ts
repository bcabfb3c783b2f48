import type { Logger } from "pino";
import type { ApiTokenRepository, ApiTokenSummary } from "../../db/apiTokenRepository";
import type { SessionRepository } from "../../db/sessionRepository";
import type { User, UserRepository } from "../../db/userRepository";
import { AppError } from "../AppError";
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, type LoginThrottlePolicy } from "./LoginThrottle";
import { generatePassword, hashPassword, verifyPassword } from "./password";
import type { Principal } from "./Principal";
import { isRole, roleAtLeast, type Role } from "./roles";
import { generateSecretToken, hashSecretToken } from "./secretToken";

export interface AuthServiceOptions {
  users: UserRepository;
  sessions: SessionRepository;
  apiTokens: ApiTokenRepository;
  sessionTtlMs: number;
  logger: Logger;
  now?: () => Date;
  /** Login lock-out per user and per source address (default: DEFAULT_LOGIN_THROTTLE). */
  loginThrottle?: LoginThrottlePolicy;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  principal: Principal;
}

/** API tokens carry a recognisable prefix so leaked ones are easy to find with secret scanners. */
const API_TOKEN_PREFIX = "tdm_";

/** Users, passwords, sessions and API tokens. */
export class AuthService {
  private readonly now: () => Date;
  /** Compared against when the user does not exist, so timing does not reveal valid usernames. */
  private dummyHash: Promise<string> | undefined;
  private readonly throttle: LoginThrottle;

  constructor(private readonly opts: AuthServiceOptions) {
    this.now = opts.now ?? ((): Date => new Date());
    this.throttle = new LoginThrottle(opts.loginThrottle ?? DEFAULT_LOGIN_THROTTLE, opts.logger.child({ component: "login-throttle" }), () => this.now().getTime());
  }

  /**
   * First start: creates `admin` with a generated one-time password and returns it so the
   * composition root can print it once. There is no default password. Returns null when any user
   * already exists.
   */
  async bootstrapAdmin(): Promise<{ username: string; password: string } | null> {
    if ((await this.opts.users.count()) > 0) return null;
    const password = generatePassword();
    await this.opts.users.create({ username: "admin", passwordHash: await hashPassword(password), role: "admin", mustChangePassword: true });
    this.opts.logger.info({ username: "admin" }, "created the first admin user with a one-time password");
    return { username: "admin", password };
  }

  async login(username: string, password: string, meta: { ip: string | null; userAgent: string | null }): Promise<LoginResult> {
    const wait = this.throttle.retryAfterMs(username, meta.ip);
    if (wait > 0) {
      this.opts.logger.warn({ username, ip: meta.ip, retryAfterMs: wait }, "console login refused: locked after repeated failures");
      throw new AppError("TOO_MANY_REQUESTS", `too many failed logins: try again in ${Math.ceil(wait / 1000)} s`, "LOCKED_OUT", { retryAfterMs: wait });
    }
    const user = await this.opts.users.findByUsername(username);
    const ok = user !== null ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await this.dummy()), false);
    if (user === null || !ok) {
      this.throttle.failed(username, meta.ip);
      throw new AppError("UNAUTHORIZED", "invalid username or password", "INVALID_CREDENTIALS");
    }
    // Said only after the right password, so it reveals nothing to someone guessing.
    if (user.disabled) throw new AppError("UNAUTHORIZED", "this account is disabled; ask an admin", "ACCOUNT_DISABLED");
    this.throttle.succeeded(username);
    const token = generateSecretToken();
    const expiresAt = new Date(this.now().getTime() + this.opts.sessionTtlMs);
    await this.opts.sessions.create({ tokenHash: hashSecretToken(token), userId: user.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent });
    return { token, expiresAt, principal: principalOf(user, "session", user.username) };
  }

  async logout(sessionToken: string): Promise<void> {
    await this.opts.sessions.deleteByTokenHash(hashSecretToken(sessionToken));
  }

  async resolveSession(sessionToken: string): Promise<Principal | null> {
    const s = await this.opts.sessions.findLive(hashSecretToken(sessionToken), this.now());
    return s === null || s.user.disabled ? null : principalOf(s.user, "session", s.user.username);
  }

  async resolveApiToken(bearer: string): Promise<Principal | null> {
    if (!bearer.startsWith(API_TOKEN_PREFIX)) return null;
    const t = await this.opts.apiTokens.findLive(hashSecretToken(bearer), this.now());
    if (t === null || t.user.disabled) return null;
    await this.opts.apiTokens.touch(t.id, this.now());
    // The token never acts with more than its owner has now (a demoted owner demotes the token).
    const ownerRole = asRole(t.user.role);
    const tokenRole = asRole(t.role);
    const role = roleAtLeast(ownerRole, tokenRole) ? tokenRole : ownerRole;
    return { ...principalOf(t.user, "token", `token:${t.name}@${t.user.username}`), role, mustChangePassword: false, canReadBodies: bodiesAllowed(role, t.user.canReadBodies) };
  }

  /**
   * Replaces the caller's password and ends every other session of theirs (a password change is
   * what a user does when they fear someone else is logged in as them); `keepSessionToken` is the
   * caller's own session, which stays.
   */
  async changePassword(userId: number, current: string, next: string, keepSessionToken: string | null = null): Promise<void> {
    const user = await this.opts.users.findById(userId);
    if (user === null || !(await verifyPassword(current, user.passwordHash))) {
      throw new AppError("UNAUTHORIZED", "current password is wrong", "INVALID_CREDENTIALS");
    }
    if (next.length < 12) throw new AppError("BAD_REQUEST", "the new password must have at least 12 characters");
    if (next === current) throw new AppError("BAD_REQUEST", "the new password must differ from the current one");
    await this.opts.users.updatePassword(userId, await hashPassword(next));
    const ended = await this.opts.sessions.deleteForUser(userId, keepSessionToken === null ? undefined : hashSecretToken(keepSessionToken));
    this.opts.logger.info({ userId, endedSessions: ended }, "password changed; the user's other sessions ended");
  }

  /**
   * An admin's reset: a new one-time password (to be replaced at next login), and every session
   * of that user ends at once.
   */
  async resetPassword(actor: Principal, username: string): Promise<{ user: User; password: string }> {
    const user = await this.opts.users.findByUsername(username);
    if (user === null) throw new AppError("NOT_FOUND", `no user ${username}`);
    if (user.id === actor.userId) throw new AppError("BAD_REQUEST", "change your own password with “change password”");
    const password = generatePassword();
    await this.opts.users.updatePassword(user.id, await hashPassword(password), { mustChange: true });
    const ended = await this.opts.sessions.deleteForUser(user.id);
    this.opts.logger.info({ username, by: actor.username, endedSessions: ended }, "password reset by an admin; the user's sessions ended");
    return { user: { ...user, mustChangePassword: true }, password };
  }

  /** Creates a user with a generated one-time password (shown once to the admin). */
  async createUser(username: string, role: Role): Promise<{ user: User; password: string }> {
    if ((await this.opts.users.findByUsername(username)) !== null) {
      throw new AppError("CONFLICT", `user ${username} already exists`, "USER_EXISTS");
    }
    const password = generatePassword();
    const user = await this.opts.users.create({ username, passwordHash: await hashPassword(password), role, mustChangePassword: true });
    return { user, password };
  }

  /** Changes a user's role and ends their sessions; never demotes the last enabled admin. */
  async setRole(actor: Principal, username: string, role: Role): Promise<User> {
    const user = await this.mustFind(username);
    // An admin demoting themselves could leave the console without any admin.
    if (user.id === actor.userId && role !== "admin") throw new AppError("BAD_REQUEST", "you cannot change your own role", "SELF");
    const updated = await this.changeKeepingAnAdmin(user, { role }, `demote ${username}`);
    await this.opts.sessions.deleteForUser(user.id);
    return updated;
  }

  /** Disables (ends every session; API tokens stop working) or re-enables a user. */
  async setDisabled(actor: Principal, username: string, disabled: boolean): Promise<User> {
    const user = await this.mustFind(username);
    if (user.id === actor.userId && disabled) throw new AppError("BAD_REQUEST", "you cannot disable yourself", "SELF");
    const updated = await this.changeKeepingAnAdmin(user, { disabled }, `disable ${username}`);
    if (disabled) {
      const ended = await this.opts.sessions.deleteForUser(user.id);
      this.opts.logger.info({ username, by: actor.username, endedSessions: ended }, "user disabled; their sessions ended");
    }
    return updated;
  }

  /** Deletes a user with their sessions and API tokens (the audit log keeps their name). */
  async deleteUser(actor: Principal, username: string): Promise<void> {
    const user = await this.mustFind(username);
    if (user.id === actor.userId) throw new AppError("BAD_REQUEST", "you cannot delete yourself", "SELF");
    await this.changeKeepingAnAdmin(user, null, `delete ${username}`);
    this.opts.logger.info({ username, by: actor.username }, "user deleted");
  }

  /** Lets a viewer read message bodies (operators and admins always may). */
  async setBodyAccess(username: string, canReadBodies: boolean): Promise<User> {
    const user = await this.mustFind(username);
    const updated = await this.changeKeepingAnAdmin(user, { canReadBodies }, `change ${username}`);
    // Sessions carry the principal's capabilities as resolved per request, so nothing to end here.
    return updated;
  }

  private async mustFind(username: string): Promise<User> {
    const user = await this.opts.users.findByUsername(username);
    if (user === null) throw new AppError("NOT_FOUND", `no user ${username}`, "NO_USER");
    return user;
  }

  private async changeKeepingAnAdmin(user: User, change: { role?: string; disabled?: boolean; canReadBodies?: boolean } | null, what: string): Promise<User> {
    const r = await this.opts.users.changeKeepingAnAdmin(user.id, change);
    if (r === "last-admin") {
      throw new AppError("PRECONDITION_FAILED", `cannot ${what}: ${user.username} is the last enabled admin; make another user admin first`, "LAST_ADMIN");
    }
    return r;
  }

  async createApiToken(owner: Principal, name: string, role: Role, ttlDays: number | null): Promise<{ token: string; summary: ApiTokenSummary }> {
    if (!roleAtLeast(owner.role, role)) throw new AppError("FORBIDDEN", `a ${owner.role} cannot create a ${role} token`);
    const token = generateSecretToken(API_TOKEN_PREFIX);
    const expiresAt = ttlDays === null ? null : new Date(this.now().getTime() + ttlDays * 86_400_000);
    const summary = await this.opts.apiTokens.create({ name, tokenHash: hashSecretToken(token), role, userId: owner.userId, expiresAt });
    return { token, summary };
  }

  listApiTokens(owner: Principal): Promise<ApiTokenSummary[]> {
    return this.opts.apiTokens.listForUser(owner.userId);
  }

  async revokeApiToken(owner: Principal, id: number): Promise<void> {
    if (!(await this.opts.apiTokens.revoke(id, owner.userId, this.now()))) throw new AppError("NOT_FOUND", `no live token #${id}`);
  }

  listUsers(): Promise<User[]> {
    return this.opts.users.list();
  }

  purgeExpiredSessions(): Promise<number> {
    return this.opts.sessions.deleteExpired(this.now());
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(generatePassword());
    return this.dummyHash;
  }
}

function asRole(value: string): Role {
  if (!isRole(value)) throw new AppError("FORBIDDEN", `stored role ${JSON.stringify(value)} is not a console role`);
  return value;
}

function bodiesAllowed(role: Role, flag: boolean): boolean {
  return roleAtLeast(role, "operator") || flag;
}

function principalOf(user: User, kind: Principal["kind"], label: string): Principal {
  const role = asRole(user.role);
  return { kind, userId: user.id, username: user.username, role, label, mustChangePassword: user.mustChangePassword, canReadBodies: bodiesAllowed(role, user.canReadBodies) };
}
