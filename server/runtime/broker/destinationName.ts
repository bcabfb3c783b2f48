// STOMP destination names in ActiveMQ's vocabulary (brokers.md (e)21).

export type DestinationKind = "queue" | "topic" | "temp-queue" | "temp-topic";

export interface ParsedDestination {
  kind: DestinationKind;
  /** Name after the prefix ("/queue/a/b" → "a/b"). */
  name: string;
}

const PREFIXES: Array<[string, DestinationKind]> = [
  ["/queue/", "queue"],
  ["/topic/", "topic"],
  ["/temp-queue/", "temp-queue"],
  ["/temp-topic/", "temp-topic"],
  ["/remote-temp-queue/", "temp-queue"],
  ["/remote-temp-topic/", "temp-topic"],
];

export const ILLEGAL_DESTINATION_HINT =
  "destinations must begin with one of: /queue/ /topic/ /temp-queue/ /temp-topic/";

/** Returns null for a name no prefix matches or an empty name. */
export function parseDestination(text: string): (ParsedDestination & { remote: boolean }) | null {
  for (const [prefix, kind] of PREFIXES) {
    if (text.startsWith(prefix)) {
      const name = text.slice(prefix.length);
      if (name.length === 0 || name.length > 512) return null;
      return { kind, name, remote: prefix.startsWith("/remote-") };
    }
  }
  return null;
}
