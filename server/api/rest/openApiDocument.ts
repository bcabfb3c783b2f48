import type { AnyRouter } from "@trpc/server";
import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";

/** Where the REST API is mounted on the console's HTTP server. */
export const REST_BASE_PATH = "/api/v1";

/** Codes a REST error body's `code` can take: tRPC's error code names, stable across versions. */
export const API_ERROR_CODES = [
  "PARSE_ERROR", "BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_SUPPORTED", "TIMEOUT", "CONFLICT",
  "PRECONDITION_FAILED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "UNPROCESSABLE_CONTENT", "TOO_MANY_REQUESTS",
  "CLIENT_CLOSED_REQUEST", "INTERNAL_SERVER_ERROR", "NOT_IMPLEMENTED", "BAD_GATEWAY", "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT",
] as const;

/**
 * The one error body every /api/v1 answer other than 2xx carries, as the adapter writes it (tRPC's
 * error shape from our errorFormatter, with `code` replaced by the stable code name). Clients
 * branch on `code`, and on `data.reason` for the finer cause (NO_MASTER, BAD_VERSION, ...).
 */
const apiErrorSchema = {
  type: "object",
  required: ["code", "message"],
  properties: {
    code: { type: "string", enum: [...API_ERROR_CODES], description: "Stable error code; the HTTP status follows from it" },
    message: { type: "string", description: "What went wrong, for a person" },
    issues: {
      type: "array",
      description: "Input validation failures (BAD_REQUEST), one per field",
      items: { type: "object", required: ["message"], properties: { message: { type: "string" }, code: { type: "string" }, path: { type: "array", items: { type: ["string", "number"] } } } },
    },
    data: {
      type: "object",
      properties: {
        code: { type: "string", description: "The same code as above" },
        reason: { type: ["string", "null"], description: "Finer cause, e.g. NO_MASTER, NO_NODE, BAD_VERSION, DRAIN_CONFLICT" },
        zodIssues: {
          type: ["array", "null"],
          items: { type: "object", properties: { path: { type: "array", items: { type: "string" } }, message: { type: "string" } } },
        },
        httpStatus: { type: "integer" },
        path: { type: ["string", "null"], description: "The procedure that answered" },
      },
    },
  },
} as const;

/**
 * The OpenAPI 3.1 document of every procedure that declares `meta.openapi`, generated from the
 * same zod input and output schemas tRPC validates with. The library's per-status error schemas
 * are replaced by the body the server really writes (apiErrorSchema).
 */
export function openApiDocument(router: AnyRouter, opts: { version: string }): OpenAPIObject {
  const doc = generateOpenApiDocument(router, {
    title: "Tandem console API",
    description:
      "Every console view and action as JSON over HTTP, generated from the console's tRPC procedures. " +
      "Authenticate with `Authorization: Bearer <token>` (API tokens are made in the console under Tokens, or with POST /tokens); " +
      "session cookies are not accepted here. Lists take `page`, `page_size` (default 100, max 500), `sort`, `sort_reverse` and `name`, " +
      "and answer `items` with `total_count`, `filtered_count`, `item_count`, `page`, `page_size` and `page_count`.",
    version: opts.version,
    baseUrl: REST_BASE_PATH,
    license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API token (tdm_…) with the viewer, operator or admin role" } },
  });
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, schema] of Object.entries(schemas)) {
    if (!name.startsWith("error.")) continue;
    const code = name.slice("error.".length);
    schemas[name] = { ...apiErrorSchema, title: schema.title, description: schema.description, example: { code, message: String((schema.example as { message?: unknown } | undefined)?.message ?? code) } };
  }
  // A procedure published with `protect: false` (GET /me) says so explicitly: `security: []`.
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item as Record<string, { security?: unknown }>)) {
      if (typeof op === "object" && op !== null && op.security === undefined) op.security = [];
    }
  }
  return doc;
}
