import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal } from "../console/auth/Principal";
import {
  clearedSessionCookie,
  isCsrfSafe,
  isSecureRequest,
  parseCookies,
  SESSION_COOKIE,
  sessionCookie,
  type SecureCookieMode,
} from "../console/auth/sessionCookie";
import type { ConsoleServices } from "../console/ConsoleServices";
import type { Permission, TrpcContext } from "./trpc";

export interface ContextFactoryOptions {
  services: ConsoleServices;
  permissions: ReadonlyMap<string, Permission>;
  secureCookies: SecureCookieMode;
}

/** Who is calling, from the session cookie or an `Authorization: Bearer` API token. */
export async function resolvePrincipal(services: ConsoleServices, req: IncomingMessage): Promise<{ principal: Principal | null; sessionToken: string | null; bearer: boolean }> {
  const auth = req.headers.authorization;
  if (auth !== undefined && auth.startsWith("Bearer ")) {
    return { principal: await services.auth.resolveApiToken(auth.slice("Bearer ".length).trim()), sessionToken: null, bearer: true };
  }
  const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE) ?? null;
  return { principal: token === null ? null : await services.auth.resolveSession(token), sessionToken: token, bearer: false };
}

export function createContextFactory(opts: ContextFactoryOptions): (o: { req: IncomingMessage; res: ServerResponse }) => Promise<TrpcContext> {
  return async ({ req, res }) => {
    const { principal, sessionToken, bearer } = await resolvePrincipal(opts.services, req);
    const secure = isSecureRequest(req, opts.secureCookies);
    return {
      services: opts.services,
      principal,
      sessionToken,
      // Peer address only: X-Forwarded-For is client-controlled unless a trusted proxy is configured.
      ip: req.socket.remoteAddress ?? null,
      userAgent: req.headers["user-agent"]?.slice(0, 256) ?? null,
      csrfSafe: bearer || isCsrfSafe(req),
      cookies: {
        setSession: (token, expiresAt) => res.appendHeader("Set-Cookie", sessionCookie(token, expiresAt, secure)),
        clearSession: () => res.appendHeader("Set-Cookie", clearedSessionCookie(secure)),
      },
      permissions: opts.permissions,
    };
  };
}
