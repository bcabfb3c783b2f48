// ActiveMQ destination wildcards (activemq.apache.org "Wildcards"): within a destination name
// `.` separates path segments, `*` matches exactly one segment and `>` matches one or more
// trailing segments. Patterns carry our STOMP kind prefix: "/queue/orders.>", "/topic/*.prices".
// A pattern's prefix is matched literally, so "/queue/>" never covers a topic.

const KINDS = ["/queue/", "/topic/", "/temp-queue/", "/temp-topic/"];

export interface DestinationPattern {
  prefix: string;
  segments: string[];
}

/** Parses a pattern; null when the prefix is unknown, the name empty, or `>` is not last. */
export function parseDestinationPattern(text: string): DestinationPattern | null {
  const prefix = KINDS.find((k) => text.startsWith(k));
  if (!prefix) return null;
  const name = text.slice(prefix.length);
  if (name.length === 0) return null;
  const segments = name.split(".");
  for (let i = 0; i < segments.length; i++) {
    if (segments[i] === "") return null;
    if (segments[i] === ">" && i !== segments.length - 1) return null;
  }
  return { prefix, segments };
}

export function isDestinationPattern(text: string): boolean {
  return parseDestinationPattern(text) !== null;
}

/** Whether `destination` (a broker key like "/queue/orders.eu.new") matches `pattern`. */
export function matchesDestination(pattern: DestinationPattern, destination: string): boolean {
  if (!destination.startsWith(pattern.prefix)) return false;
  const name = destination.slice(pattern.prefix.length);
  if (name.length === 0) return false;
  const parts = name.split(".");
  const segs = pattern.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s === ">") return parts.length > i;
    if (i >= parts.length) return false;
    if (s !== "*" && s !== parts[i]) return false;
  }
  return parts.length === segs.length;
}
