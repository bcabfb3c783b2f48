import type { StompHeaders } from "../stomp/StompFrame";

export type AckMode = "auto" | "client" | "client-individual";

/** A MESSAGE frame as handed to a subscription callback. */
export interface StompMessage {
  destination: string;
  messageId: string;
  /** The client's subscription id this message arrived on. */
  subscription: string;
  /** STOMP 1.2 `ack` header (what ACK/NACK must carry), or the message-id for older servers. */
  ackId: string;
  redelivered: boolean;
  headers: StompHeaders;
  body: Buffer;
  /** First value of a header (spec 1.2: the first occurrence wins). */
  header(name: string): string | undefined;
  /**
   * Acknowledges it (ack modes client / client-individual). Resolves false, sending nothing, when
   * the connection it arrived on is gone: the broker that delivered it has already released it for
   * redelivery, and a new broker would answer an ACK for an id it never sent with an ERROR.
   */
  ack(options?: { receipt?: boolean; transaction?: string }): Promise<boolean>;
  nack(options?: { receipt?: boolean; transaction?: string }): Promise<boolean>;
}

export type MessageHandler = (message: StompMessage) => void;

export interface SendOptions {
  /** Extra headers (content-type, persistent, user headers…). */
  headers?: Record<string, string> | StompHeaders;
  /** Ask for a RECEIPT and resolve only once it arrives. Default true. */
  receipt?: boolean;
  transaction?: string;
}

export interface SubscribeOptions {
  ack?: AckMode;
  /** Client-chosen subscription id; generated when absent. */
  id?: string;
  headers?: Record<string, string> | StompHeaders;
  /** Wait for the broker's RECEIPT of the SUBSCRIBE before resolving. Default true. */
  receipt?: boolean;
}

export function toHeaderList(h: Record<string, string> | StompHeaders | undefined): StompHeaders {
  if (!h) return [];
  return Array.isArray(h) ? h.map(([k, v]) => [k, v] as [string, string]) : Object.entries(h);
}
