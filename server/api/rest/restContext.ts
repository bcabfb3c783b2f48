import type { IncomingMessage } from "node:http";
import type { ConsoleServices } from "../../console/ConsoleServices";
import type { Permission, TrpcContext } from "../trpc";

/**
 * Context of a REST (/api/v1) request. Only `Authorization: Bearer <API token>` authenticates:
 * session cookies are ignored here, so a browser's ambient credential can never drive a REST
 * mutation and REST needs no CSRF defence (tRPC keeps cookies + the x-tandem-csrf header).
 */
export async function restContext(services: ConsoleServices, permissions: ReadonlyMap<string, Permission>, req: IncomingMessage): Promise<TrpcContext> {
  const auth = req.headers.authorization;
  const bearer = auth === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] ?? null;
  const principal = bearer === null ? null : await services.auth.resolveApiToken(bearer);
  const anonymousReason =
    auth === undefined
      ? "send an API token as `Authorization: Bearer <token>` (session cookies are not accepted on /api/v1)"
      : bearer === null
        ? "the Authorization header must be `Bearer <token>`"
        : "the bearer token is unknown, expired or revoked";
  return {
    services,
    principal,
    sessionToken: null,
    // Peer address only: X-Forwarded-For is client-controlled unless a trusted proxy is configured.
    ip: req.socket.remoteAddress ?? null,
    userAgent: req.headers["user-agent"]?.slice(0, 256) ?? null,
    // No ambient credential is honoured on this path (see above): nothing to forge cross-site.
    csrfSafe: true,
    cookies: {
      setSession: () => {
        throw new Error("REST requests have no session");
      },
      clearSession: () => undefined,
    },
    permissions,
    ...(principal === null ? { anonymousReason } : {}),
  };
}
