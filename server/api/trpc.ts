/**
 * The one tRPC bootstrap (t3 style): context type, one error formatter, one place where service
 * errors become tRPC errors, and the only procedure builders routers may use. Every procedure
 * declares its permission through the builder it is made from; `auth.me` reads those declarations
 * back so the UI greys out what the caller may not do.
 */
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import { AppError, type AppErrorCode } from "../console/AppError";
import type { Principal } from "../console/auth/Principal";
import { roleAtLeast, type Role } from "../console/auth/roles";
import type { ConsoleServices } from "../console/ConsoleServices";
import { adminActionSubject } from "../console/events/adminActionSubject";
import { zodMessage } from "./zodMessage";

export interface CookieJar {
  setSession(token: string, expiresAt: Date): void;
  clearSession(): void;
}

export interface TrpcContext {
  services: ConsoleServices;
  principal: Principal | null;
  /** Raw session cookie value, for logout. */
  sessionToken: string | null;
  ip: string | null;
  userAgent: string | null;
  /**
   * Mutations are refused unless this is true: the request carries our custom header (a
   * cross-site form or fetch cannot set it without a CORS preflight we never grant) and its Origin,
   * when present, is our own. Bearer-token requests carry no ambient credential and pass.
   */
  csrfSafe: boolean;
  cookies: CookieJar;
  /** Permission of every procedure, by path ("zk.create" → "operator"). */
  permissions: ReadonlyMap<string, Permission>;
  /**
   * Why `principal` is null, for the 401 message: REST callers are told whether the bearer token
   * was missing or refused (unknown, expired or revoked). Absent: "log in first".
   */
  anonymousReason?: string;
}

export type Permission = "public" | Role;

/**
 * `openapi` (trpc-to-openapi) publishes a procedure at /api/v1 as plain JSON REST; the same input
 * and output schemas describe it in the OpenAPI document, so REST and tRPC cannot drift.
 */
export type ProcedureMeta = OpenApiMeta<{
  /**
   * Optional in the type only so that `.meta({ openapi })` can be added to a procedure made from a
   * builder below (tRPC merges meta); every builder sets it, procedurePermissions() refuses to
   * start without it and authorize() fails closed.
   */
  permission?: Permission;
  /** Callable by a user who still has to replace a one-time password. */
  allowPendingPasswordChange?: boolean;
}>;

const TRPC_CODE: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  BAD_REQUEST: "BAD_REQUEST",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
};

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      return {
        ...shape,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          /** Finer cause for the UI, e.g. BAD_VERSION, NO_NODE, INVALID_CREDENTIALS. */
          reason: cause instanceof AppError ? (cause.reason ?? null) : null,
          zodIssues: cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.map(String), message: i.message })) : null,
        },
        // Internal errors must not leak details (stack, SQL) to the browser.
        // Input validation reads as sentences ("Name must have at most 128 characters."), never zod's JSON.
        message: error.code === "INTERNAL_SERVER_ERROR" ? "internal error" : cause instanceof ZodError ? zodMessage(cause.issues) : shape.message,
      };
    },
  });

export const createTRPCRouter = t.router;

/**
 * HTTP headers an error asks for: Retry-After (seconds) on a refused login. For the adapter's
 * responseMeta, so the one mapping of service errors stays in this file.
 */
export function errorResponseHeaders(errors: readonly TRPCError[]): Record<string, string> {
  const waits = errors.map((e) => (e.cause instanceof AppError ? e.cause.retryAfterMs : undefined)).filter((ms): ms is number => ms !== undefined);
  return waits.length === 0 ? {} : { "Retry-After": String(Math.max(1, Math.ceil(Math.max(...waits) / 1000))) };
}
export const createCallerFactory = t.createCallerFactory;

function mapError(err: TRPCError): TRPCError {
  const cause = err.cause;
  if (cause instanceof AppError) return new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  return err;
}

/** Audit target: the first identifying field of the input (never a password or data). */
function targetOf(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  // Something on a node (a connection): name both, the id alone is only unique per node.
  if (typeof r.node === "string" && typeof r.id === "string") return `${r.node}/${r.id}`;
  for (const key of ["path", "username", "name", "id", "consumerGroup", "topic"]) {
    const v = r[key];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  return null;
}

/**
 * Every procedure passes here: CSRF check for mutations, authorization from meta (fail closed when
 * a procedure declares nothing), error mapping, and an audit record for every mutation whatever
 * its outcome (denied ones included).
 */
const base = t.procedure.use(async ({ ctx, meta, type, path, getRawInput, next }) => {
  const raw = type === "mutation" ? await getRawInput().catch(() => undefined) : undefined;
  const run = async (): Promise<Awaited<ReturnType<typeof next>>> => {
    if (type === "mutation" && !ctx.csrfSafe) {
      throw new TRPCError({ code: "FORBIDDEN", message: "cross-site request refused (missing x-tandem-csrf header or foreign Origin)" });
    }
    authorize(ctx.principal, meta, path, ctx.anonymousReason);
    return next();
  };
  let result: Awaited<ReturnType<typeof next>> | undefined;
  let error: TRPCError | undefined;
  try {
    result = await run();
    if (!result.ok) error = mapError(result.error);
  } catch (err) {
    error = err instanceof TRPCError ? mapError(err) : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: err });
  }
  if (type === "mutation") {
    const rawObj = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
    const actor = ctx.principal?.label ?? (typeof rawObj.username === "string" ? `anonymous:${rawObj.username}` : "anonymous");
    const reason = error?.cause instanceof AppError ? error.cause.reason : undefined;
    try {
      await ctx.services.audit.record({
        actor,
        ip: ctx.ip,
        action: path,
        target: targetOf(raw),
        result: error === undefined ? "ok" : (reason ?? error.code),
        detail: error === undefined ? null : error.message.slice(0, 500),
      });
      ctx.services.live.publish({ type: "invalidate", path: ["audit"] });
      // Operator actions on the cluster also belong in the event stream, next to the elections
      // and failovers they cause (account changes stay in the audit log only).
      if (error === undefined && !/^(auth|users|tokens)\./.test(path)) {
        const target = targetOf(raw);
        const subject = adminActionSubject(ctx.services.runtime?.cluster?.nodes ?? [], target);
        await ctx.services.events.record({ kind: "admin-action", ...subject, message: `${actor} ran ${path}${target ? ` on ${target}` : ""}`, data: { actor, action: path, target } });
        ctx.services.live.publish({ type: "invalidate", path: ["events"] });
      }
    } catch (auditErr) {
      // An unauditable mutation has already happened; report loudly rather than hide it.
      ctx.services.logger.error({ err: auditErr, action: path }, "audit record failed");
    }
  }
  if (error !== undefined) throw error;
  return result!;
});

function authorize(principal: Principal | null, meta: ProcedureMeta | undefined, path: string, anonymousReason?: string): void {
  if (meta?.permission === undefined) throw new TRPCError({ code: "FORBIDDEN", message: `${path} declares no permission` });
  if (meta.permission === "public") return;
  if (principal === null) throw new TRPCError({ code: "UNAUTHORIZED", message: anonymousReason ?? "log in first" });
  if (principal.mustChangePassword && meta.allowPendingPasswordChange !== true) {
    throw new TRPCError({ code: "FORBIDDEN", message: "replace your one-time password first" });
  }
  if (!roleAtLeast(principal.role, meta.permission)) {
    throw new TRPCError({ code: "FORBIDDEN", message: `${path} needs the ${meta.permission} role; you are ${principal.role}` });
  }
}

/** Needs no login (login itself, the `me` probe). */
export const publicProcedure = base.meta({ permission: "public" });
/** Any logged-in user: read-only views. */
export const viewerProcedure = base.meta({ permission: "viewer" });
/** Changes cluster state: znodes, destinations, drains. */
export const operatorProcedure = base.meta({ permission: "operator" });
/** Users, tokens, console settings. */
export const adminProcedure = base.meta({ permission: "admin" });

/** The caller's principal, asserted non-null (authorize() already refused anonymous callers). */
export function principalOf(ctx: TrpcContext): Principal {
  if (ctx.principal === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "log in first" });
  return ctx.principal;
}
