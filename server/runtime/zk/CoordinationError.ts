/**
 * One error class for every failure of the coordination layer. Callers branch on `code`, never on
 * message text or on the underlying library's exception classes, so the library can be replaced
 * (or the embedded coordinator reached over another transport) without touching callers.
 */
export type CoordinationErrorCode =
  | "NO_NODE"
  | "NODE_EXISTS"
  | "BAD_VERSION"
  | "NOT_EMPTY"
  | "NO_CHILDREN_FOR_EPHEMERALS"
  | "BAD_ARGUMENTS"
  | "NO_AUTH"
  | "INVALID_ACL"
  | "AUTH_FAILED"
  | "UNIMPLEMENTED"
  | "RUNTIME_INCONSISTENCY"
  | "SYSTEM_ERROR"
  /** The connection dropped while the request was in flight: it may or may not have been applied. */
  | "CONNECTION_LOSS"
  /** The session the request was issued on expired (or was declared lost): ephemerals are gone. */
  | "SESSION_EXPIRED"
  /** The client was closed by its owner. */
  | "CLOSED"
  /** Could not establish a session within the bounded connect time. */
  | "CONNECT_TIMEOUT";

/** ZooKeeper wire error codes (KeeperException.Code) mapped to our names. */
const WIRE_CODES: ReadonlyMap<number, CoordinationErrorCode> = new Map<number, CoordinationErrorCode>([
  [-1, "SYSTEM_ERROR"],
  [-2, "RUNTIME_INCONSISTENCY"],
  [-4, "CONNECTION_LOSS"],
  [-6, "UNIMPLEMENTED"],
  [-8, "BAD_ARGUMENTS"],
  [-101, "NO_NODE"],
  [-102, "NO_AUTH"],
  [-103, "BAD_VERSION"],
  [-108, "NO_CHILDREN_FOR_EPHEMERALS"],
  [-110, "NODE_EXISTS"],
  [-111, "NOT_EMPTY"],
  [-112, "SESSION_EXPIRED"],
  [-114, "INVALID_ACL"],
  [-115, "AUTH_FAILED"],
]);

export class CoordinationError extends Error {
  override readonly name = "CoordinationError";

  constructor(
    readonly code: CoordinationErrorCode,
    message: string,
    readonly path?: string,
    /** For multi(): index of the operation that made the transaction fail. */
    readonly opIndex?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Maps an error from the ZooKeeper client library (which carries a numeric wire code). */
  static fromLibrary(err: unknown, op: string, path?: string, opIndex?: number): CoordinationError {
    if (err instanceof CoordinationError) return err;
    const wire = typeof err === "object" && err !== null && typeof (err as { code?: unknown }).code === "number"
      ? (err as { code: number }).code
      : undefined;
    const code = wire === undefined ? "SYSTEM_ERROR" : WIRE_CODES.get(wire) ?? "SYSTEM_ERROR";
    const where = path === undefined ? "" : ` ${path}`;
    const detail = err instanceof Error ? err.message : String(err);
    return new CoordinationError(code, `${op}${where} failed: ${code} (${detail})`, path, opIndex, { cause: err });
  }
}

/** True when `err` is a CoordinationError with the given code. */
export function isCoordinationError(err: unknown, code?: CoordinationErrorCode): err is CoordinationError {
  return err instanceof CoordinationError && (code === undefined || err.code === code);
}
