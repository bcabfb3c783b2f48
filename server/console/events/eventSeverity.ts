/**
 * How much an event matters, from its kind (and, for alerts, the rule's own severity): the
 * events page colours and filters by it. Stored with the event when it is recorded; rows written
 * before severities existed get the same answer at read time.
 */
export type EventSeverity = "critical" | "warning" | "info";

const BY_KIND: Record<string, EventSeverity> = {
  "quorum-lost": "critical",
  "master-lost": "critical",
  "node-process": "critical",
  "node-down": "warning",
  "member-left": "warning",
  "node-restart": "warning",
  "slave-lagging": "warning",
  "bridge-down": "warning",
  "bridge-error": "warning",
  election: "info",
  "member-joined": "info",
  "node-up": "info",
  "slave-caught-up": "info",
  "bridge-up": "info",
  "admin-action": "info",
  "alert-resolved": "info",
};

export function eventSeverity(kind: string, data?: unknown): EventSeverity {
  const d = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
  if (kind === "alert-resolved") return "info";
  if (d.severity === "critical" || d.severity === "warning" || d.severity === "info") return d.severity;
  if (kind === "alert-firing") {
    // Alertmanager's vocabulary: critical pages someone; anything else is a warning.
    const labels = typeof d.labels === "object" && d.labels !== null ? (d.labels as Record<string, unknown>) : {};
    return labels.severity === "critical" ? "critical" : "warning";
  }
  // A failover (an election that replaced a master) is worth a look; a first election is not.
  if (kind === "election" && typeof d.previous === "string") return "warning";
  return BY_KIND[kind] ?? "info";
}

/** The recorded cause ("why a master was lost, why an election happened"), when one is known. */
export function eventCause(data: unknown): string | null {
  const d = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
  return typeof d.cause === "string" ? d.cause : null;
}
