import type { AdminErrorCode } from "./adminErrorCodes";

/**
 * A refusal the admin API answers with a 4xx (or 5xx) status, a code from the closed set and a
 * reason. Services throw it; AdminServer maps it, zod errors and BrokerErrors to HTTP in one place.
 */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: AdminErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AdminError";
  }
}

export function badRequest(message: string, code: AdminErrorCode = "INVALID_INPUT", details?: unknown): AdminError {
  return new AdminError(400, code, message, details);
}

export function notFound(message: string, code: AdminErrorCode): AdminError {
  return new AdminError(404, code, message);
}

export function conflict(message: string, code: AdminErrorCode): AdminError {
  return new AdminError(409, code, message);
}
