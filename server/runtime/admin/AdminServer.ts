import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { ZodError } from "zod";
import { BrokerError } from "../broker/Broker";
import type { AdminContext } from "./AdminContext";
import { RawReply } from "./RawReply";
import { AdminError } from "./AdminError";
import type { AdminErrorBody, AdminErrorCode } from "./adminErrorCodes";
import { adminRoutes } from "./adminRoutes";
import type { AdminRouter } from "./AdminRouter";

export interface AdminServerOptions {
  host: string;
  port: number;
  token: string;
  context: AdminContext;
  logger: Logger;
  /** Largest request body accepted (a message sent through the API travels base64 in JSON). */
  maxBodyBytes?: number;
  /**
   * Validate every answer against its route's response schema before sending it (tests turn this
   * on, via TANDEM_ADMIN_CHECK_RESPONSES=1 for node processes): an answer that breaks the
   * contract becomes a 500 INTERNAL naming the field, instead of a console that misreads it.
   */
  checkResponses?: boolean;
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * The node's admin HTTP API (JSON over node:http). Every request needs
 * `Authorization: Bearer <token>`; errors are mapped to HTTP in exactly one place (`fail`); each
 * request runs inside its own try/catch so that no input can take the node down.
 */
export class AdminServer {
  private server: Server | null = null;
  private readonly router: AdminRouter;
  private readonly tokenDigest: Buffer;
  port = 0;

  constructor(private readonly o: AdminServerOptions) {
    this.router = adminRoutes(o.context);
    // Compare digests: equal length always, so timingSafeEqual never leaks the token's length.
    this.tokenDigest = digest(o.token);
  }

  async listen(): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.requestTimeout = 60_000;
    server.headersTimeout = 10_000;
    // The console polls every node every 1-10 s: kept-alive connections outlive those gaps, so a
    // poll reuses its connection instead of opening one (Node's default of 5 s closed it between
    // an idle console's 5 s polls; fetch keeps a connection as long as the server says here).
    server.keepAliveTimeout = 30_000;
    server.on("clientError", (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => this.o.logger.error({ err, service: "admin" }, "admin listener error"));
    this.server = server;
    const address = server.address();
    this.port = typeof address === "object" && address ? address.port : this.o.port;
    this.o.logger.info({ service: "admin", host: this.o.host, port: this.port }, "listening");
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return false;
    return timingSafeEqual(digest(m[1]), this.tokenDigest);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    let path = "/";
    let query = new URLSearchParams();
    try {
      const url = new URL(req.url ?? "/", "http://admin");
      path = url.pathname;
      query = url.searchParams;
      if (!this.authorized(req)) {
        req.resume();
        this.o.logger.warn({ service: "admin", method, path, remote: req.socket.remoteAddress }, "admin request refused: missing or wrong bearer token");
        res.setHeader("www-authenticate", 'Bearer realm="tandem-admin"');
        throw new AdminError(401, "UNAUTHORIZED", "missing or wrong bearer token (Authorization: Bearer <token from admin.token>)");
      }
      const match = this.router.match(method, path);
      if (match.kind === "not_found") throw new AdminError(404, "NO_SUCH_ENDPOINT", `no such endpoint: ${method} ${path}`);
      if (match.kind === "bad_path") throw new AdminError(400, "INVALID_INPUT", match.message);
      if (match.kind === "method_not_allowed") {
        res.setHeader("allow", match.allowed.join(", "));
        throw new AdminError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${path} (allowed: ${match.allowed.join(", ")})`);
      }
      const body = await this.readBody(req);
      const hangUp = new AbortController();
      res.once("close", () => hangUp.abort());
      const result = await match.handler({ params: match.params, query, body, signal: hangUp.signal });
      if (this.o.checkResponses && match.response !== null) {
        const checked = match.response.safeParse(result);
        if (!checked.success) {
          const where = checked.error.issues.map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`).join("; ");
          throw new Error(`answer of ${method} ${path} breaks the admin contract: ${where}`);
        }
      }
      if (match.action) this.o.logger.info({ service: "admin", action: match.action, method, path, params: match.params, result: brief(result) }, "admin action");
      else this.o.logger.debug({ service: "admin", method, path }, "admin request");
      this.reply(res, 200, result);
    } catch (err) {
      this.fail(res, err, method, path);
    }
  }

  /** The one place errors become HTTP answers. */
  private fail(res: ServerResponse, err: unknown, method: string, path: string): void {
    if (err instanceof AdminError) {
      if (err.status >= 500) this.o.logger.error({ service: "admin", err, method, path }, "admin request failed");
      else if (err.status !== 401) this.o.logger.info({ service: "admin", method, path, status: err.status }, `admin request refused: ${err.message}`);
      this.reply(res, err.status, errorBody(err.code, err.message, err.details));
      return;
    }
    if (err instanceof ZodError) {
      const details = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      this.o.logger.info({ service: "admin", method, path, details }, "admin request refused: invalid input");
      this.reply(res, 400, errorBody("INVALID_INPUT", `invalid input: ${details.map((d) => `${d.path || "(body)"}: ${d.message}`).join("; ")}`, details));
      return;
    }
    if (err instanceof BrokerError) {
      this.o.logger.info({ service: "admin", method, path }, `admin request refused: ${err.message}`);
      this.reply(res, 400, errorBody("BAD_DESTINATION", err.message));
      return;
    }
    this.o.logger.error({ service: "admin", err, method, path }, "admin request failed");
    this.reply(res, 500, errorBody("INTERNAL", `internal error: ${(err as Error)?.message ?? String(err)}`));
  }

  private reply(res: ServerResponse, status: number, payload: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (payload instanceof RawReply) {
      res.writeHead(status, { "content-type": payload.contentType, "content-length": Buffer.byteLength(payload.body), "cache-control": "no-store" });
      res.end(payload.body);
      return;
    }
    const text = JSON.stringify(payload);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
    res.end(text);
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const max = this.o.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > max) {
      req.resume();
      throw new AdminError(413, "PAYLOAD_TOO_LARGE", `request body over ${max} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        // Node drains the rest after the reply; requestTimeout bounds a sender that never stops.
        throw new AdminError(413, "PAYLOAD_TOO_LARGE", `request body over ${max} bytes`);
      }
      chunks.push(chunk);
    }
    if (size === 0) return undefined;
    const type = req.headers["content-type"] ?? "";
    if (!/^application\/json\b/i.test(type)) throw new AdminError(415, "UNSUPPORTED_MEDIA_TYPE", "request bodies must be JSON (content-type: application/json)");
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (err) {
      throw new AdminError(400, "INVALID_INPUT", `body is not valid JSON: ${(err as Error).message}`);
    }
  }
}

/** The JSON of every refusal (adminErrorBodySchema). */
function errorBody(code: AdminErrorCode, message: string, details?: unknown): AdminErrorBody {
  return { code, message, error: message, ...(details !== undefined ? { details } : {}) };
}

/** What an action did, for the audit line (message id lists shortened). */
function brief(result: unknown): unknown {
  if (!result || typeof result !== "object") return result;
  const out: Record<string, unknown> = { ...(result as Record<string, unknown>) };
  if (Array.isArray(out.ids) && out.ids.length > 20) out.ids = [...out.ids.slice(0, 20), `… ${out.ids.length - 20} more`];
  return out;
}
