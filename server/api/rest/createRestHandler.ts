import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AnyRouter } from "@trpc/server";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import type { Logger } from "pino";
import type { ConsoleServices } from "../../console/ConsoleServices";
import { errorResponseHeaders, type Permission } from "../trpc";
import { openApiDocument, REST_BASE_PATH } from "./openApiDocument";
import { restContext } from "./restContext";

/** Largest JSON request body: a 4 MiB message in base64 plus its headers. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface RestHandlerOptions {
  router: AnyRouter;
  services: ConsoleServices;
  permissions: ReadonlyMap<string, Permission>;
  logger: Logger;
  /** Published in the document's info.version. Default: package.json's version. */
  version?: string;
}

/**
 * /api/v1: the OpenAPI document at /api/v1/openapi.json and every procedure that declares
 * `meta.openapi`, run through the same middleware as tRPC (authorization from the procedure's
 * permission, an audit row for every mutation with the token's name, one error mapping).
 * Answers false when the URL is not under /api/v1 so the caller can route it elsewhere.
 */
export function createRestHandler(opts: RestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const document = JSON.stringify(openApiDocument(opts.router, { version: opts.version ?? packageVersion() }));
  const handler = createOpenApiNodeHttpHandler({
    router: opts.router,
    createContext: ({ req }) => restContext(opts.services, opts.permissions, req),
    // The adapter's default is 100 KB; destination/send takes a 4 MiB body (5.4 MiB as base64).
    maxBodySize: MAX_BODY_BYTES,
    responseMeta: ({ errors }) => {
      const headers: Record<string, string> = { "cache-control": "no-store", ...errorResponseHeaders(errors) };
      // RFC 6750 §3: a 401 names the scheme the client should use.
      if (errors.some((e) => e.code === "UNAUTHORIZED")) headers["www-authenticate"] = 'Bearer realm="tandem-console"';
      return { headers };
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") opts.logger.error({ err: error.cause ?? error, path }, "REST internal error");
    },
  });
  return (req, res) => {
    const url = req.url ?? "";
    if (url !== REST_BASE_PATH && !url.startsWith(`${REST_BASE_PATH}/`) && !url.startsWith(`${REST_BASE_PATH}?`)) return false;
    const rest = url.slice(REST_BASE_PATH.length) || "/";
    if (req.method === "GET" && rest.split("?")[0] === "/openapi.json") {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache" }).end(document);
      return true;
    }
    // The adapter matches the procedures' own paths ("/tokens"); the mount point is ours.
    req.url = rest;
    handler(req, res, () => notFound(req, res)).catch((err: unknown) => {
      opts.logger.error({ err, url }, "REST request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "INTERNAL_SERVER_ERROR", message: "internal error" }));
    });
    return true;
  };
}

/** No procedure at this method and path: the same error body as every other failure. */
function notFound(req: IncomingMessage, res: ServerResponse): void {
  const body = { code: "NOT_FOUND", message: `no REST endpoint ${req.method} ${REST_BASE_PATH}${(req.url ?? "").split("?")[0]} (see ${REST_BASE_PATH}/openapi.json)`, data: { reason: "NO_ROUTE", httpStatus: 404, path: null } };
  res.writeHead(404, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

function packageVersion(): string {
  return String((createRequire(import.meta.url)("../../../package.json") as { version?: unknown }).version ?? "0.0.0");
}
