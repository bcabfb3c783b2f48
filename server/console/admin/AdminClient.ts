import type { z } from "zod";
import { adminErrorBodySchema } from "../../runtime/admin/adminErrorCodes";
import {
  bridgesResponseSchema,
  closeConnectionResultSchema,
  durablePageSchema,
  connectionPageSchema,
  createDestinationResultSchema,
  deleteDestinationResultSchema,
  destinationChangesSchema,
  destinationPageSchema,
  destinationRowSchema,
  handoverResultSchema,
  messageDetailSchema,
  messagePageSchema,
  moveMessagesResultSchema,
  nodeInfoSchema,
  purgeDestinationResultSchema,
  restartBridgeResultSchema,
  sendMessageResultSchema,
  subscriptionPageSchema,
  rmqAdminViewSchema,
  rmqCreateTopicResultSchema,
  rmqMessagesSchema,
  rmqResendResultSchema,
  rmqResetOffsetResultSchema,
  type DestinationKind,
} from "../../runtime/admin/adminResponses";
import type { moveBody, rmqCreateTopicBody, rmqResetOffsetBody, sendMessageBody } from "../../runtime/admin/adminSchemas";
import { AdminCallError } from "./AdminCallError";

export interface AdminClientOptions {
  token: string;
  /** Base URL of a node's admin API ("http://127.0.0.1:8171"); throws for an unknown node. */
  urlOf(node: string): string;
  /** Default time a call may take (ms). */
  timeoutMs?: number;
  /** Called after a mutating call succeeded (the poller refreshes, so the UI shows the effect). */
  onMutated?(node: string): void;
}

export interface ListQuery {
  offset?: number;
  limit?: number;
  sort?: string;
  order?: "asc" | "desc";
  filter?: string;
}

type Call = {
  timeoutMs?: number;
  /** Abandons the call: it then rejects with an AdminCallError coded ABORTED. */
  signal?: AbortSignal;
};

/** A long-poll of GET /api/v1/node: answer once what the node shows differs from `changedFrom`, or after `waitMs`. */
export interface NodeChangeWait {
  changedFrom: string;
  waitMs: number;
}

const enc = encodeURIComponent;

function query(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s === "" ? "" : `?${s}`;
}

/**
 * The console's one client of the node admin API. Each method is one endpoint: request shaped
 * by the runtime's request schemas, answer validated against its response schema
 * (server/runtime/admin/adminResponses.ts), refusals turned into AdminCallError carrying the
 * node's code. Nothing else in the console talks HTTP to a node.
 */
export class AdminClient {
  constructor(private readonly o: AdminClientOptions) {}

  /**
   * GET /api/v1/node. With `wait`, a long-poll: the node holds the answer until what it shows
   * differs from `wait.changedFrom` (an earlier answer's `shown`) or `wait.waitMs` passed; the
   * call's timeout counts from the end of the hold.
   */
  nodeInfo(node: string, c?: Call & { wait?: NodeChangeWait }): Promise<z.output<typeof nodeInfoSchema>> {
    const w = c?.wait;
    const path = w ? `/api/v1/node${query({ changedFrom: w.changedFrom, waitMs: w.waitMs })}` : "/api/v1/node";
    const call = w ? { ...c, timeoutMs: w.waitMs + (c?.timeoutMs ?? this.o.timeoutMs ?? 15_000) } : c;
    return this.request(node, "GET", path, nodeInfoSchema, undefined, call);
  }

  handover(node: string, c?: Call): Promise<z.output<typeof handoverResultSchema>> {
    return this.request(node, "POST", "/api/v1/node/handover", handoverResultSchema, undefined, c);
  }

  listDestinations(node: string, q: ListQuery & { kind?: DestinationKind } = {}, c?: Call): Promise<z.output<typeof destinationPageSchema>> {
    return this.request(node, "GET", `/api/v1/destinations${query({ ...q })}`, destinationPageSchema, undefined, c);
  }

  /** The destinations that changed after the cursor `since` (absent: all of them); see destinationChangesSchema. */
  destinationChanges(node: string, q: { since?: string; limit?: number } = {}, c?: Call): Promise<z.output<typeof destinationChangesSchema>> {
    return this.request(node, "GET", `/api/v1/destination-changes${query({ since: q.since, limit: q.limit })}`, destinationChangesSchema, undefined, c);
  }

  getDestination(node: string, name: string): Promise<z.output<typeof destinationRowSchema>> {
    return this.request(node, "GET", `/api/v1/destinations/${enc(name)}`, destinationRowSchema);
  }

  createDestination(node: string, destination: string): Promise<z.output<typeof createDestinationResultSchema>> {
    return this.request(node, "POST", "/api/v1/destinations", createDestinationResultSchema, { destination });
  }

  deleteDestination(node: string, name: string): Promise<z.output<typeof deleteDestinationResultSchema>> {
    return this.request(node, "DELETE", `/api/v1/destinations/${enc(name)}`, deleteDestinationResultSchema);
  }

  purgeDestination(node: string, name: string): Promise<z.output<typeof purgeDestinationResultSchema>> {
    return this.request(node, "POST", `/api/v1/destinations/${enc(name)}/purge`, purgeDestinationResultSchema);
  }

  browseMessages(node: string, name: string, q: { offset: number; limit: number; selector?: string }): Promise<z.output<typeof messagePageSchema>> {
    const selector = q.selector !== undefined && q.selector.trim() !== "" ? q.selector : undefined;
    return this.request(node, "GET", `/api/v1/destinations/${enc(name)}/messages${query({ offset: q.offset, limit: q.limit, selector })}`, messagePageSchema);
  }

  getMessage(node: string, name: string, id: string): Promise<z.output<typeof messageDetailSchema>> {
    return this.request(node, "GET", `/api/v1/destinations/${enc(name)}/messages/${enc(id)}`, messageDetailSchema);
  }

  sendMessage(node: string, name: string, body: z.input<typeof sendMessageBody>): Promise<z.output<typeof sendMessageResultSchema>> {
    return this.request(node, "POST", `/api/v1/destinations/${enc(name)}/messages`, sendMessageResultSchema, body);
  }

  moveMessages(node: string, name: string, body: z.input<typeof moveBody>): Promise<z.output<typeof moveMessagesResultSchema>> {
    return this.request(node, "POST", `/api/v1/destinations/${enc(name)}/move`, moveMessagesResultSchema, body);
  }

  bridges(node: string): Promise<z.output<typeof bridgesResponseSchema>> {
    return this.request(node, "GET", "/api/v1/bridges", bridgesResponseSchema);
  }

  restartBridge(node: string, name: string): Promise<z.output<typeof restartBridgeResultSchema>> {
    return this.request(node, "POST", `/api/v1/bridges/${enc(name)}/restart`, restartBridgeResultSchema);
  }

  connections(node: string, q: ListQuery = {}): Promise<z.output<typeof connectionPageSchema>> {
    return this.request(node, "GET", `/api/v1/connections${query({ ...q })}`, connectionPageSchema);
  }

  closeConnection(node: string, id: string): Promise<z.output<typeof closeConnectionResultSchema>> {
    return this.request(node, "DELETE", `/api/v1/connections/${enc(id)}`, closeConnectionResultSchema);
  }

  durables(node: string, q: ListQuery = {}): Promise<z.output<typeof durablePageSchema>> {
    return this.request(node, "GET", `/api/v1/durables${query({ ...q })}`, durablePageSchema);
  }

  subscriptions(node: string, q: ListQuery = {}): Promise<z.output<typeof subscriptionPageSchema>> {
    return this.request(node, "GET", `/api/v1/subscriptions${query({ ...q })}`, subscriptionPageSchema);
  }

  /** The master's RocketMQ topics (per-queue offsets) and consumer groups (members, offsets, lag). */
  rocketmq(node: string, c?: Call): Promise<z.output<typeof rmqAdminViewSchema>> {
    return this.request(node, "GET", "/api/v1/rocketmq", rmqAdminViewSchema, undefined, c);
  }

  rmqCreateTopic(node: string, body: z.input<typeof rmqCreateTopicBody>): Promise<z.output<typeof rmqCreateTopicResultSchema>> {
    return this.request(node, "POST", "/api/v1/rocketmq/topics", rmqCreateTopicResultSchema, body);
  }

  rmqResetOffset(node: string, group: string, body: z.input<typeof rmqResetOffsetBody>): Promise<z.output<typeof rmqResetOffsetResultSchema>> {
    return this.request(node, "POST", `/api/v1/rocketmq/groups/${enc(group)}/reset-offset`, rmqResetOffsetResultSchema, body);
  }

  rmqMessages(node: string, q: { id?: string; key?: string; topic?: string }): Promise<z.output<typeof rmqMessagesSchema>> {
    return this.request(node, "GET", `/api/v1/rocketmq/messages${query({ ...q })}`, rmqMessagesSchema);
  }

  rmqResend(node: string, id: string, group: string): Promise<z.output<typeof rmqResendResultSchema>> {
    return this.request(node, "POST", `/api/v1/rocketmq/messages/${enc(id)}/resend`, rmqResendResultSchema, { group });
  }

  private async request<S extends z.ZodType>(node: string, method: string, path: string, schema: S, body?: unknown, c?: Call): Promise<z.output<S>> {
    const url = `${this.o.urlOf(node)}${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.o.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: c?.signal
          ? AbortSignal.any([c.signal, AbortSignal.timeout(c.timeoutMs ?? this.o.timeoutMs ?? 15_000)])
          : AbortSignal.timeout(c?.timeoutMs ?? this.o.timeoutMs ?? 15_000),
      });
      text = await res.text();
    } catch (err) {
      if (c?.signal?.aborted) throw new AdminCallError(node, null, "ABORTED", `${method} ${path}: abandoned by the console`, { cause: err });
      const name = (err as Error | undefined)?.name;
      if (name === "TimeoutError" || name === "AbortError") throw new AdminCallError(node, null, "NODE_TIMEOUT", `${method} ${path}: no answer in time`, { cause: err });
      throw new AdminCallError(node, null, "NODE_UNREACHABLE", `${method} ${path}: ${(err as Error).message}${causeCode(err)}`, { cause: err });
    }
    let json: unknown;
    try {
      json = text === "" ? null : JSON.parse(text);
    } catch {
      throw new AdminCallError(node, res.status, "BAD_ANSWER", `${method} ${path}: HTTP ${res.status} with a body that is not JSON`);
    }
    if (!res.ok) {
      const refusal = adminErrorBodySchema.safeParse(json);
      if (!refusal.success) throw new AdminCallError(node, res.status, "BAD_ANSWER", `${method} ${path}: HTTP ${res.status} without a code`);
      throw new AdminCallError(node, res.status, refusal.data.code, refusal.data.message);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`).join("; ");
      throw new AdminCallError(node, res.status, "BAD_ANSWER", `${method} ${path}: answer breaks the admin contract (${where})`);
    }
    if (method !== "GET") this.o.onMutated?.(node);
    return parsed.data;
  }
}

/** fetch wraps the socket error: its code (ECONNREFUSED …) says more than "fetch failed". */
function causeCode(err: unknown): string {
  const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === "string" ? ` (${code})` : "";
}
