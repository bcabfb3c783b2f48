/**
 * A refusal the admin API answers with a 4xx (or 5xx) status and a reason. Services throw it;
 * AdminServer maps it, zod errors and BrokerErrors to HTTP in one place.
 */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AdminError";
  }
}

export function badRequest(message: string, details?: unknown): AdminError {
  return new AdminError(400, message, details);
}

export function notFound(message: string): AdminError {
  return new AdminError(404, message);
}

export function conflict(message: string): AdminError {
  return new AdminError(409, message);
}
