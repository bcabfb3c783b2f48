import type { DestinationKind } from "./destinationRow";

const PREFIXES = ["/queue/", "/topic/"] as const;

/**
 * The broker's key for an operator-typed name: "/queue/orders" stays as is; "orders" with
 * kind "queue" becomes "/queue/orders". Temporary destinations are never created from here.
 */
export function destinationKey(name: string, kind: "queue" | "topic"): string {
  const trimmed = name.trim();
  if (PREFIXES.some((p) => trimmed.startsWith(p))) return trimmed;
  return `/${kind}/${trimmed.replace(/^\/+/, "")}`;
}

export function kindOf(name: string): DestinationKind | null {
  for (const k of ["queue", "topic", "temp-queue", "temp-topic"] as const) if (name.startsWith(`/${k}/`)) return k;
  return null;
}

/** The dead-letter queue the broker uses for a destination (Broker.deadLetterQueueName: DLQ.<name>). */
export function deadLetterQueueOf(name: string): string {
  const m = /^\/(?:queue|topic)\/(.*)$/.exec(name);
  return `/queue/DLQ.${m ? m[1] : name.replace(/^\//, "")}`;
}

/** For /queue/DLQ.orders: the queue a retry sends its messages back to (/queue/orders); else null. */
export function retryTargetOf(name: string): string | null {
  const m = /^\/queue\/DLQ\.(.+)$/.exec(name);
  return m ? `/queue/${m[1]}` : null;
}
