// The records e2e/python/chaos_client.py writes, one JSON object per line: the contract between
// the stomp.py clients and the TypeScript checker. Times are epoch milliseconds (same host clock).
import { readFile } from "node:fs/promises";
import { z } from "zod";

const base = { t: z.number() };
export const clientEventSchema = z.discriminatedUnion("ev", [
  z.object({ ev: z.literal("start"), mode: z.string(), ...base }),
  z.object({ ev: z.literal("stop"), ...base }),
  /** Connected (CONNECTED received) to the node on `port`. */
  z.object({ ev: z.literal("conn"), port: z.number(), ...base }),
  /** A producer wrote SEND for `id`; attempt > 0 is a resend after a lost connection. */
  z.object({ ev: z.literal("send"), id: z.string(), port: z.number(), attempt: z.number(), ...base }),
  /** Its RECEIPT arrived: the broker promised the message is stored (sync policy met). */
  z.object({ ev: z.literal("receipt"), id: z.string(), port: z.number(), attempt: z.number(), ...base }),
  /** The client gave up a connection (closed by the node, ERROR, or no receipt in time). */
  z.object({ ev: z.literal("lost"), port: z.number(), why: z.string(), id: z.string().optional(), ...base }),
  /** A consumer received a MESSAGE (recorded before its ACK is sent). */
  z.object({ ev: z.literal("msg"), id: z.string(), port: z.number().nullable(), q: z.string().optional(), redelivered: z.boolean(), ...base }),
]);
export type ClientEvent = z.infer<typeof clientEventSchema>;

/** Parses a client's record file; a torn last line (the client was writing it when read) is skipped. */
export function parseClientEvents(text: string): ClientEvent[] {
  const out: ClientEvent[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      if (i === lines.length - 1) continue;
      throw new Error(`bad client record line ${i + 1}: ${line.slice(0, 200)}`, { cause: err });
    }
    out.push(clientEventSchema.parse(json));
  }
  return out;
}

export async function readClientEvents(path: string): Promise<ClientEvent[]> {
  return parseClientEvents(await readFile(path, "utf8").catch(() => ""));
}
