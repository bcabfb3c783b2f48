/** STOMP protocol versions Tandem speaks (stomp-specification 1.0, 1.1, 1.2). */
export type StompVersion = "1.0" | "1.1" | "1.2";

/**
 * Headers in wire order. A list, not a map: STOMP 1.2 allows a header to repeat and says the
 * FIRST occurrence is the one that counts, while later ones must still be passed through
 * (e.g. user headers relayed from SEND to MESSAGE).
 */
export type StompHeaders = Array<[string, string]>;

export interface StompFrame {
  command: string;
  headers: StompHeaders;
  /** Raw octets. May share memory with the chunk that was pushed to the parser. */
  body: Buffer;
}

/** Value of the first header called `name` (spec 1.2 "Repeated Header Entries"), or undefined. */
export function getHeader(frame: StompFrame, name: string): string | undefined {
  const headers = frame.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    if (h[0] === name) return h[1];
  }
  return undefined;
}
