import type { Logger } from "pino";
import type { ApiTokenRepository, ApiTokenSummary } from "../../db/apiTokenRepository";
import type { SessionRepository } from "../../db/sessionRepository";
import type { User, UserRepository } from "../../db/userRepository";
import { AppError } from "../AppError";
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

  constructor(private readonly opts: AuthServiceOptions) {
    this.now = opts.now ?? ((): Date => new Date());
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
    const user = await this.opts.users.findByUsername(username);
    const ok = user !== null ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await this.dummy()), false);
    if (user === null || !ok) throw new AppError("UNAUTHORIZED", "invalid username or password", "INVALID_CREDENTIALS");
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
    return s === null ? null : principalOf(s.user, "session", s.user.username);
  }

  async resolveApiToken(bearer: string): Promise<Principal | null> {
    if (!bearer.startsWith(API_TOKEN_PREFIX)) return null;
    const t = await this.opts.apiTokens.findLive(hashSecretToken(bearer), this.now());
    if (t === null) return null;
    await this.opts.apiTokens.touch(t.id, this.now());
    // The token never acts with more than its owner has now (a demoted owner demotes the token).
    const ownerRole = asRole(t.user.role);
    const tokenRole = asRole(t.role);
    const role = roleAtLeast(ownerRole, tokenRole) ? tokenRole : ownerRole;
    return { ...principalOf(t.user, "token", `token:${t.name}@${t.user.username}`), role, mustChangePassword: false };
  }

  async changePassword(userId: number, current: string, next: string): Promise<void> {
    const user = await this.opts.users.findById(userId);
    if (user === null || !(await verifyPassword(current, user.passwordHash))) {
      throw new AppError("UNAUTHORIZED", "current password is wrong", "INVALID_CREDENTIALS");
    }
    if (next.length < 12) throw new AppError("BAD_REQUEST", "the new password must have at least 12 characters");
    if (next === current) throw new AppError("BAD_REQUEST", "the new password must differ from the current one");
    await this.opts.users.updatePassword(userId, await hashPassword(next));
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

  async setRole(actor: Principal, username: string, role: Role): Promise<User> {
    const user = await this.opts.users.findByUsername(username);
    if (user === null) throw new AppError("NOT_FOUND", `no user ${username}`);
    // An admin demoting themselves could leave the console without any admin.
    if (user.id === actor.userId && role !== "admin") throw new AppError("BAD_REQUEST", "you cannot change your own role");
    const updated = await this.opts.users.updateRole(user.id, role);
    await this.opts.sessions.deleteForUser(user.id);
    return updated;
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

function principalOf(user: User, kind: Principal["kind"], label: string): Principal {
  return { kind, userId: user.id, username: user.username, role: asRole(user.role), label, mustChangePassword: user.mustChangePassword };
}
