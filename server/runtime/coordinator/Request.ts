// A request on its way through the pipeline prepare → sync → final
// (ZooKeeper's server/Request.java).
import type { ClientRequest, ConnectRequest, Id } from "./protocol";
import type { Txn } from "./txn";
import type { Watcher } from "./WatchManager";

/** What the final stage needs from the connection a request came in on. */
export interface RequestOrigin extends Watcher {
  isOpen(): boolean;
  send(frame: Buffer): void;
  /** Sends the ConnectResponse of a new session and starts reading requests. */
  sessionEstablished(sessionId: bigint, timeout: number): void;
  /** Ends the connection after pending output is flushed. */
  closeGracefully(reason: CloseReason): void;
  noteReply(type: number, xid: number, zxid: number, receivedAt: number): void;
  remoteLabel(): string;
}

export type CloseReason =
  | "clientClosed"
  | "socketError"
  | "frameTooLarge"
  | "malformedPacket"
  | "sessionClosed"
  | "sessionExpired"
  | "sessionMoved"
  | "authFailed"
  | "unimplemented"
  | "zxidAhead"
  | "tooManyConnections"
  | "fourLetterWord"
  | "serverStopping";

export type PipelineBody =
  | ClientRequest
  | { op: "createSession"; timeout: number; connect: ConnectRequest }
  | { op: "expireSession" }
  | { op: "deleteContainer"; path: string };

export interface Request {
  /** null for internally generated requests (session expiry, container cleanup). */
  origin: RequestOrigin | null;
  sessionId: bigint;
  xid: number;
  type: number;
  body: PipelineBody;
  ids: readonly Id[];
  receivedAt: number;
  /** Set by the prepare stage for writes that passed validation. */
  txn: Txn | null;
  /** Error code decided by the prepare stage (0 = none). */
  err: number;
  /** For a failed multi: one code per op (0 before, the failure, -2 after). */
  multiErrors: number[] | null;
}
