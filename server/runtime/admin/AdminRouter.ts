// A small method + path router: "/api/v1/destinations/:dest/messages/:id". A `:param` matches
// one path segment and is URL-decoded, so a destination travels as %2Fqueue%2Forders.
import type { z } from "zod";

export type HttpMethod = "GET" | "POST" | "DELETE" | "PUT" | "PATCH";

export interface AdminRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined when the request had none). */
  body: unknown;
  /** Aborts when the caller hangs up (a held long-poll stops waiting). */
  signal?: AbortSignal;
}

export type AdminHandler = (req: AdminRequest) => Promise<unknown> | unknown;

interface Route {
  method: HttpMethod;
  segments: string[];
  handler: AdminHandler;
  /** Mutating routes are logged at info level as admin actions. */
  action: string | null;
  /** The answer's schema (adminResponses.ts); null for raw replies (Prometheus text). */
  response: z.ZodType | null;
}

export type RouteMatch =
  | { kind: "found"; handler: AdminHandler; params: Record<string, string>; action: string | null; response: z.ZodType | null }
  | { kind: "not_found" }
  | { kind: "method_not_allowed"; allowed: HttpMethod[] }
  | { kind: "bad_path"; message: string };

export class AdminRouter {
  private readonly routes: Route[] = [];

  /** A route whose answer is described by `response` (null: a raw reply such as Prometheus text). */
  route(method: HttpMethod, pattern: string, response: z.ZodType | null, handler: AdminHandler, action: string | null = null): this {
    this.routes.push({ method, segments: pattern.split("/").filter(Boolean), handler, action, response });
    return this;
  }

  /** A route without a response schema. */
  add(method: HttpMethod, pattern: string, handler: AdminHandler, action: string | null = null): this {
    return this.route(method, pattern, null, handler, action);
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split("/").filter(Boolean);
    const allowed: HttpMethod[] = [];
    for (const r of this.routes) {
      if (r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = r.segments[i];
        if (seg.startsWith(":")) {
          try {
            params[seg.slice(1)] = decodeURIComponent(parts[i]);
          } catch {
            return { kind: "bad_path", message: `path segment "${parts[i]}" is not valid URL encoding` };
          }
        } else if (seg !== parts[i]) ok = false;
      }
      if (!ok) continue;
      if (r.method !== method) {
        allowed.push(r.method);
        continue;
      }
      return { kind: "found", handler: r.handler, params, action: r.action, response: r.response };
    }
    return allowed.length > 0 ? { kind: "method_not_allowed", allowed } : { kind: "not_found" };
  }
}
