import { AppError } from "../AppError";
import { AdminCallError } from "./AdminCallError";

/**
 * The one place a failed admin call becomes a console error, decided on the node's code (never
 * on its wording). `what` says what the console was doing ("purging /queue/a on mq1 …").
 * Failures that are no caller's fault (the node's INTERNAL, an answer breaking the contract) are
 * returned as plain errors: logged, and shown as an internal error.
 */
export function adminAppError(err: unknown, what: string): Error {
  if (err instanceof AppError) return err;
  if (!(err instanceof AdminCallError)) return err instanceof Error ? err : new Error(String(err));
  const cause = { cause: err };
  switch (err.code) {
    case "NODE_TIMEOUT":
      return new AppError("UNAVAILABLE", `${what}: the node did not answer in time`, "NODE_TIMEOUT", cause);
    case "NODE_UNREACHABLE":
      return new AppError("UNAVAILABLE", `${what}: the node is not reachable (${err.reason})`, "NODE_DOWN", cause);
    case "NOT_SERVING":
      return new AppError("UNAVAILABLE", `${what}: ${err.reason}`, "NOT_MASTER", cause);
    case "NO_DESTINATION":
      return new AppError("NOT_FOUND", err.reason, "NO_DESTINATION", cause);
    case "NO_MESSAGE":
      return new AppError("NOT_FOUND", err.reason, "NO_MESSAGE", cause);
    case "IN_USE":
      return new AppError("CONFLICT", err.reason, "IN_USE", cause);
    case "NOT_MASTER":
      return new AppError("CONFLICT", `${what}: ${err.reason}`, "NOT_MASTER", cause);
    case "BAD_SELECTOR":
      return new AppError("BAD_REQUEST", err.reason, "BAD_SELECTOR", cause);
    case "NO_BRIDGE":
      return err.status === 404 ? new AppError("NOT_FOUND", err.reason, "NO_BRIDGE", cause) : new AppError("UNAVAILABLE", `${what}: ${err.reason}`, "NO_BRIDGE", cause);
    case "UNAUTHORIZED":
      return new AppError("UNAVAILABLE", `${what}: the node refused the console's admin token`, "ADMIN_TOKEN_REFUSED", cause);
    case "INVALID_INPUT":
    case "BAD_DESTINATION":
    case "NO_SUCH_ENDPOINT":
    case "METHOD_NOT_ALLOWED":
    case "PAYLOAD_TOO_LARGE":
    case "UNSUPPORTED_MEDIA_TYPE":
      return new AppError("BAD_REQUEST", err.reason, "ADMIN_REFUSED", cause);
    case "INTERNAL":
    case "BAD_ANSWER":
    case "ABORTED":
      return new Error(`${what}: ${err.message}`, cause);
    default:
      return unreachable(err.code);
  }
}

function unreachable(code: never): Error {
  return new Error(`unknown admin error code ${String(code)}`);
}
