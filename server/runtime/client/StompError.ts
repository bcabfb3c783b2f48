import type { StompFrame } from "../stomp/StompFrame";
import { getHeader } from "../stomp/StompFrame";

/**
 * Why a request failed. `transient` errors are about the connection, not the request: the
 * connection dropped before the answer came, or the broker stopped being master (it fails held
 * receipts with "message could not be stored: no longer master"). A failover client retries those
 * on the next broker; anything else (permissions, bad destination, …) goes back to the caller.
 */
export class StompError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly frame?: StompFrame,
  ) {
    super(message);
    this.name = "StompError";
  }

  static fromFrame(frame: StompFrame): StompError {
    const message = getHeader(frame, "message") ?? frame.body.toString("utf8").split("\n")[0] ?? "ERROR";
    return new StompError(`broker ERROR: ${message}`, isTransientBrokerError(message), frame);
  }

  static connectionLost(detail: string): StompError {
    return new StompError(`connection lost: ${detail}`, true);
  }
}

/**
 * Messages a Tandem (or ActiveMQ) broker sends when it is not, or no longer, the serving master
 * ("This node is no longer the master", "message could not be stored: no longer master: …").
 */
const TRANSIENT = /\bnot (?:the )?master|no longer (?:the )?master|could not be stored|shutting down|\bslave\b/i;
/** Refusals no other broker of the same cluster would answer differently (credentials). */
const SECURITY = /authenticat|\blogin\b|passcode|password|credential/i;

export function isTransientBrokerError(message: string): boolean {
  return TRANSIENT.test(message);
}

/**
 * An ERROR in answer to CONNECT ends the failover client only when it is about credentials
 * (ActiveMQ gives up on a SecurityException only): any other refusal — a node that is not or no
 * longer the master, a full connection limit, wording we do not know — means "try elsewhere".
 */
export function isFatalConnectError(err: unknown): err is StompError {
  return err instanceof StompError && !err.transient && SECURITY.test(err.message);
}

/** A transaction that was open when the client failed over: the old broker rolled it back (brokers.md §d.6). */
export class TransactionRolledBackError extends Error {
  constructor(readonly transaction: string) {
    super(`transaction ${transaction} was rolled back: the connection failed over while it was open (in doubt)`);
    this.name = "TransactionRolledBackError";
  }
}
