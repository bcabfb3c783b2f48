import { StompParser, type ParseEvent, type StompParserLimits } from "./StompParser";
import type { StompVersion } from "./StompFrame";

/** Test helpers shared by the STOMP codec tests (not used at runtime). */

export const DEFAULT_TEST_LIMITS: StompParserLimits = {
  maxFrameSize: 64 * 1024,
  maxHeaders: 32,
  maxHeaderLineLength: 1024,
};

/** Comparable form of a parse event; bodies as hex so binary mismatches are visible. */
export type PlainEvent =
  | { kind: "frame"; command: string; headers: Array<[string, string]>; body: string; size: number }
  | { kind: "error"; code: string };

export interface ParseRun {
  events: PlainEvent[];
  heartbeats: number;
}

/**
 * Feeds `chunks` to a fresh parser. Heart-beat events are counted separately: their number
 * legitimately depends on how the input was split (at most one per push), frames and errors don't.
 */
export function runParser(
  chunks: Buffer[],
  version: StompVersion = "1.0",
  limits: StompParserLimits = DEFAULT_TEST_LIMITS,
): ParseRun {
  const p = new StompParser(limits);
  p.version = version;
  const events: PlainEvent[] = [];
  let heartbeats = 0;
  for (const c of chunks) {
    for (const e of p.push(c)) collect(e);
  }
  return { events, heartbeats };

  function collect(e: ParseEvent): void {
    if (e.kind === "heartbeat") heartbeats++;
    else if (e.kind === "error") events.push({ kind: "error", code: e.code });
    else
      events.push({
        kind: "frame",
        command: e.frame.command,
        headers: e.frame.headers.map(([k, v]) => [k, v] as [string, string]),
        body: e.frame.body.toString("hex"),
        size: e.size,
      });
  }
}

export function frameEvent(command: string, headers: Array<[string, string]>, body: Buffer | string, size: number): PlainEvent {
  const b = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return { kind: "frame", command, headers, body: b.toString("hex"), size };
}

/** Small deterministic PRNG (mulberry32) so fuzz failures are reproducible from the seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
