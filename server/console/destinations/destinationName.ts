import { AppError } from "../AppError";
import type { DestinationKind } from "./destinationRow";

/** ActiveMQ's limit on a physical destination name is generous; ours matches the broker's (512). */
const MAX_NAME = 512;

/**
 * The broker's key for an operator-typed name that is to be created: "orders" with kind "queue"
 * becomes "/queue/orders"; "/queue/orders" is accepted when the kind says queue too. Refused, with
 * a sentence that says why: a prefix that contradicts the chosen kind (kind queue with
 * "/topic/x" used to create a topic silently), temporary destinations, wildcards (`*` and `>`
 * match many destinations in subscriptions, so a destination named with them could never be
 * addressed alone), empty or `.`/`..` segments (`x/../../etc`), whitespace and control characters.
 */
export function destinationKey(name: string, kind: "queue" | "topic"): string {
  const typed = name.trim();
  const prefixed = /^\/(queue|topic|temp-queue|temp-topic|remote-temp-queue|remote-temp-topic)\//.exec(typed);
  if (prefixed && prefixed[1] !== kind) {
    throw invalid(
      prefixed[1] === "queue" || prefixed[1] === "topic"
        ? `"${typed}" names a ${prefixed[1]}, but the kind chosen is ${kind}: choose kind ${prefixed[1]} or drop the prefix`
        : `temporary destinations (${prefixed[0]}) belong to one connection and cannot be created here`,
    );
  }
  const physical = prefixed ? typed.slice(prefixed[0].length) : typed.replace(/^\/+/, "");
  if (physical === "") throw invalid(`the ${kind} name is empty`);
  if (physical.length > MAX_NAME) throw invalid(`the ${kind} name is ${physical.length} characters long; at most ${MAX_NAME} are allowed`);
  if (/[*>]/.test(physical)) throw invalid(`"${physical}" contains a wildcard (* or >), which subscriptions use to match many destinations; a destination cannot be named with one`);
  if (/\s/.test(physical) || [...physical].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw invalid(`"${physical}" contains whitespace or a control character`);
  const segments = physical.split(/[./]/);
  if (segments.some((seg) => seg === "" || seg === "." || seg === "..")) {
    throw invalid(`"${physical}" has an empty, "." or ".." segment; use names like orders.eu or orders/eu`);
  }
  return `/${kind}/${physical}`;
}

function invalid(sentence: string): AppError {
  return new AppError("BAD_REQUEST", sentence, "INVALID_DESTINATION_NAME");
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
