/**
 * Typed errors of the console's services. They are mapped to tRPC/HTTP in exactly one place
 * (server/api/trpc.ts); `reason` carries the finer cause (e.g. BAD_VERSION) to the UI.
 */
export type AppErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "BAD_REQUEST"
  | "PRECONDITION_FAILED"
  | "UNAVAILABLE"
  | "TOO_MANY_REQUESTS";

export class AppError extends Error {
  override readonly name = "AppError";

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly reason?: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** TOO_MANY_REQUESTS: when to try again (sent as the Retry-After header). */
  readonly retryAfterMs: number | undefined;
}
