import { AppError } from "../AppError";

/**
 * Maps a failed `cluster.admin()` call to a typed console error. ClusterRuntime.admin throws a
 * plain Error "<node>: <the node's own reason>" without the HTTP status, so the node's reason text
 * is matched here — in one place — against the admin API's own wording
 * (server/runtime/admin/destinations.ts, messages.ts, AdminContext.live). Anything unrecognised
 * stays BAD_REQUEST with the node's message, except the node's "internal error", which is not
 * the caller's fault and is rethrown unchanged (logged and hidden as INTERNAL_SERVER_ERROR).
 */
export function adminCallError(err: unknown, what: string): Error {
  if (err instanceof AppError) return err;
  const e = err as Error & { cause?: { code?: string } };
  const message = typeof e?.message === "string" ? e.message : String(err);
  const name = typeof e?.name === "string" ? e.name : "";
  if (name === "TimeoutError" || name === "AbortError") return new AppError("UNAVAILABLE", `${what}: the node did not answer in time`, "NODE_TIMEOUT", { cause: err });
  if (/fetch failed|ECONNREFUSED|ECONNRESET|socket hang up/i.test(message) || e?.cause?.code === "ECONNREFUSED") {
    return new AppError("UNAVAILABLE", `${what}: the node is not reachable (${message})`, "NODE_DOWN", { cause: err });
  }
  if (/internal error/i.test(message)) return err instanceof Error ? err : new Error(message);
  if (/is not serving clients/.test(message)) return new AppError("UNAVAILABLE", `${what}: ${message}`, "NOT_MASTER", { cause: err });
  if (/does not exist|no waiting message/.test(message)) return new AppError("NOT_FOUND", message, "NO_DESTINATION", { cause: err });
  if (/consumer\(s\)|subscriber\(s\)|durable subscription|in flight/.test(message)) return new AppError("CONFLICT", message, "IN_USE", { cause: err });
  if (/invalid selector/.test(message)) return new AppError("BAD_REQUEST", message, "BAD_SELECTOR", { cause: err });
  return new AppError("BAD_REQUEST", message, "ADMIN_REFUSED", { cause: err });
}
