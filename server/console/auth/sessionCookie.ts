import type { IncomingMessage } from "node:http";

export const SESSION_COOKIE = "tandem_session";

/** Minimal RFC 6265 cookie-header parser (first value of a name wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === undefined) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (out.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      // A malformed escape is not our cookie; ignore it rather than fail the request.
    }
  }
  return out;
}

export type SecureCookieMode = "auto" | "always" | "never";

/**
 * Secure when served over https: directly (TLS socket) or behind a proxy that says so. Trusting
 * X-Forwarded-Proto can only add the flag, never remove it, so a spoofed header cannot weaken it.
 */
export function isSecureRequest(req: IncomingMessage, mode: SecureCookieMode): boolean {
  if (mode !== "auto") return mode === "always";
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  return encrypted || req.headers["x-forwarded-proto"] === "https";
}

/** httpOnly (no script access), SameSite=Strict (never sent on cross-site requests). */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? "; Secure" : ""}`;
}

/** Header the console's own tRPC client sends with every request (see TrpcContext.csrfSafe). */
export const CSRF_HEADER = "x-tandem-csrf";

/** Same-origin check: the custom header is present and Origin, when sent, names our own host. */
export function isCsrfSafe(req: IncomingMessage): boolean {
  if (req.headers[CSRF_HEADER] !== "1") return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
