import { z } from "zod";

/**
 * The closed set of reasons the admin API gives for a refusal. The node sends one of them as
 * `code` next to a human `message`; the console decides on the code alone (never on the text),
 * so wording can change without changing behaviour.
 */
export const ADMIN_ERROR_CODES = [
  /** Missing or wrong bearer token (401). */
  "UNAUTHORIZED",
  /** No endpoint at that path (404). */
  "NO_SUCH_ENDPOINT",
  /** The path exists for other methods (405). */
  "METHOD_NOT_ALLOWED",
  /** Malformed request: bad JSON, bad path encoding, a field that fails its schema (400). */
  "INVALID_INPUT",
  /** A destination name the broker refuses, or an operation that does not apply to it (400). */
  "BAD_DESTINATION",
  /** A selector that does not compile (400). */
  "BAD_SELECTOR",
  /** The named destination does not exist (404). */
  "NO_DESTINATION",
  /** The named message is not waiting in the queue (consumed, in flight, or never there) (404). */
  "NO_MESSAGE",
  /** Consumers, subscribers, durable subscriptions or in-flight messages hold the destination (409). */
  "IN_USE",
  /** The node serves no clients (a slave, or a master between terms) (503). */
  "NOT_SERVING",
  /** A handover asked of a node that is not master, or one already under way (409). */
  "NOT_MASTER",
  /** The node runs no bridges (503) or none of that name (404). */
  "NO_BRIDGE",
  /** Request body over the node's limit (413). */
  "PAYLOAD_TOO_LARGE",
  /** Request body that is not JSON (415). */
  "UNSUPPORTED_MEDIA_TYPE",
  /** A bug or an I/O failure on the node (500). */
  "INTERNAL",
] as const;

export const adminErrorCodeSchema = z.enum(ADMIN_ERROR_CODES);
export type AdminErrorCode = z.infer<typeof adminErrorCodeSchema>;

/**
 * Every non-2xx JSON answer of the admin API. `error` repeats `message` for clients written
 * against the first version of the API (it had only `error`).
 */
export const adminErrorBodySchema = z.object({
  code: adminErrorCodeSchema,
  message: z.string(),
  error: z.string(),
  details: z.unknown().optional(),
});
export type AdminErrorBody = z.infer<typeof adminErrorBodySchema>;
