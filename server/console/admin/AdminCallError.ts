import type { AdminErrorCode } from "../../runtime/admin/adminErrorCodes";

/**
 * Why a call to a node's admin API failed without the node refusing it: it did not answer in
 * time, could not be reached, answered something the contract does not allow, or the console
 * abandoned the call itself (a poller cutting its long-poll short to poll at once).
 */
export type AdminTransportFailure = "NODE_TIMEOUT" | "NODE_UNREACHABLE" | "BAD_ANSWER" | "ABORTED";

/**
 * A failed admin call: the node's own code from the closed set (with its HTTP status), or a
 * transport failure (status null). Callers decide on `code`; `message` is for people.
 */
export class AdminCallError extends Error {
  override readonly name = "AdminCallError";

  constructor(
    readonly node: string,
    readonly status: number | null,
    readonly code: AdminErrorCode | AdminTransportFailure,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${node}: ${reason}`, options);
  }
}
