import type { Socket } from "node:net";
import type { Client, Transaction } from "node-zookeeper-client";

/**
 * The few private parts of node-zookeeper-client 1.1.3 (pinned) that CoordinationClient needs,
 * kept in this one file so an upgrade has exactly one place to re-check. Each is a work-around
 * for a gap in the library, named where it is used:
 *
 * - `socket`: the library has no read timeout. It sends a ping after pingTimeout of *idle*, but
 *   writing the ping counts as activity, so a server that stops answering without closing the
 *   TCP connection (partition, SIGSTOP, dead host) is never detected. The Java client closes the
 *   connection after 2/3 of the session timeout without reading anything; we do the same by
 *   watching the socket's "data" events and destroying it, which makes the library fail over.
 *   Likewise it times out only the TCP connect, not the handshake after it, so a server that
 *   accepts and never answers would hold it forever; the same watchdog covers that.
 * - `state` / "state" events / `setState`: the public Client never reports CLOSED, and closing a
 *   client whose connection is down leaves its reconnect loop running; we need both to end a
 *   session for good.
 * - `Transaction.ops`: Transaction#check/setData/remove do `version = version || -1`, which turns
 *   an expected version of 0 into "any version" and silently drops the optimistic-concurrency
 *   check on a freshly created node. We write the version into the queued op ourselves.
 */
export const LIBRARY_STATES = {
  DISCONNECTED: 0,
  CONNECTING: 1,
  CONNECTED: 2,
  CONNECTED_READ_ONLY: 3,
  CLOSING: -1,
  CLOSED: -2,
  SESSION_EXPIRED: -3,
  AUTHENTICATION_FAILED: -4,
} as const;

export interface ConnectionManagerInternals {
  socket?: Socket;
  state: number;
  setState(state: number): void;
  on(event: "state", listener: (state: number) => void): unknown;
  removeListener(event: "state", listener: (state: number) => void): unknown;
}

export function connectionManagerOf(client: Client): ConnectionManagerInternals {
  const cm = (client as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
  if (cm === undefined || typeof cm.setState !== "function") {
    throw new Error("node-zookeeper-client internals changed: Client.connectionManager is missing (pinned to 1.1.3)");
  }
  return cm;
}

/** Overwrites the version of the op at `index` (see the Transaction.ops note above). */
export function setTransactionOpVersion(tx: Transaction, index: number, version: number): void {
  const ops = (tx as unknown as { ops?: Array<{ version?: number }> }).ops;
  const op = ops?.[index];
  if (op === undefined) {
    throw new Error("node-zookeeper-client internals changed: Transaction.ops is missing (pinned to 1.1.3)");
  }
  op.version = version;
}
