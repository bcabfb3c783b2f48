import type { AdminContext } from "./AdminContext";
import { AdminError, badRequest } from "./AdminError";
import { AdminRouter, type AdminRequest } from "./AdminRouter";
import { browseExtra, createDestinationBody, destinationChangesQuery, destinationsExtra, moveBody, nodeQuery, rmqCreateTopicBody, rmqMessagesQuery, rmqResendBody, rmqResetOffsetBody, sendMessageBody } from "./adminSchemas";
import { closeConnection, listConnections, listDurables, listSubscriptions } from "./connections";
import {
  createDestination,
  deleteDestination,
  destinationChanges,
  getDestination,
  listDestinations,
  purgeDestination,
} from "./destinations";
import { browseMessages, getMessage, moveMessages, sendMessage } from "./messages";
import { nodeInfo } from "./nodeInfo";
import { NodeChangeWaiter, ShownFingerprint } from "./nodeShown";
import { createNodeMetrics } from "./nodeMetrics";
import { RawReply } from "./RawReply";
import { rmqAdminView } from "../rocketmq/rmqAdminView";
import { createRmqTopic, queryRmqMessages, resendRmqMessage, resetRmqOffsets, rmqBroker } from "./rocketmq";
import {
  bridgesResponseSchema,
  closeConnectionResultSchema,
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
  durablePageSchema,
} from "./adminResponses";
import { paginate, parsePageQuery, singleValued } from "./paging";

function noBody(req: AdminRequest): void {
  if (req.body !== undefined) throw badRequest("this request takes no body");
}

/** Every admin endpoint: path → response schema → service. Mutating routes carry an action name for the audit log. */
export function adminRoutes(ctx: AdminContext): AdminRouter {
  const r = new AdminRouter();
  const base = "/api/v1";

  // A console long-polls this (changedFrom + waitMs): an idle node answers once per hold, a change at once.
  const shown = new ShownFingerprint(ctx);
  const changes = new NodeChangeWaiter(() => shown.current());
  r.route("GET", `${base}/node`, nodeInfoSchema, async (req) => {
    const q = nodeQuery.parse(Object.fromEntries(req.query));
    if (q.changedFrom !== undefined) await changes.wait(q.changedFrom, q.waitMs, req.signal);
    const info = nodeInfo(ctx);
    return { ...info, shown: shown.of(info) };
  });
  // Prometheus: `max_destinations=N` keeps the N deepest destinations' series (a node with 10,000
  // queues need not export all of them on every scrape); absent, all are exported.
  const metrics = createNodeMetrics(ctx);
  r.route("GET", "/metrics", null, async (req) => {
    const raw = req.query.get("max_destinations");
    if (raw !== null && !/^\d+$/.test(raw)) throw badRequest("max_destinations must be a whole number");
    const m = await metrics.scrape(raw === null ? null : Number(raw));
    return new RawReply(m.contentType, m.text);
  });
  r.route("POST", `${base}/node/handover`, handoverResultSchema, async () => {
    try {
      return await ctx.node.handover();
    } catch (err) {
      throw new AdminError(409, "NOT_MASTER", (err as Error).message);
    }
  }, "handover");

  // RocketMQ topics (per-queue offsets) and consumer groups (members, offsets, lag) of this master.
  r.route("GET", `${base}/rocketmq`, rmqAdminViewSchema, () => rmqAdminView(rmqBroker(ctx)));
  r.route("POST", `${base}/rocketmq/topics`, rmqCreateTopicResultSchema, (req) => createRmqTopic(ctx, rmqCreateTopicBody.parse(req.body)), "rocketmq_create_topic");
  r.route("POST", `${base}/rocketmq/groups/:group/reset-offset`, rmqResetOffsetResultSchema, (req) => resetRmqOffsets(ctx, req.params.group, rmqResetOffsetBody.parse(req.body)), "rocketmq_reset_offset");
  r.route("GET", `${base}/rocketmq/messages`, rmqMessagesSchema, (req) => queryRmqMessages(ctx, rmqMessagesQuery.parse(Object.fromEntries(req.query))));
  r.route("POST", `${base}/rocketmq/messages/:id/resend`, rmqResendResultSchema, (req) => resendRmqMessage(ctx, req.params.id, rmqResendBody.parse(req.body)), "rocketmq_resend_message");
  r.route("GET", `${base}/destinations`, destinationPageSchema, async (req) => {
    const q = parsePageQuery(req.query, destinationsExtra);
    const rows = (await listDestinations(ctx)).filter((d) => !q.kind || d.kind === q.kind);
    return paginate(rows, q, {
      defaultSort: "name",
      filterText: (d) => d.name,
      sortKeys: {
        name: (d) => d.name,
        depth: (d) => d.depth,
        enqueued: (d) => d.enqueued,
        dequeued: (d) => d.dequeued,
        consumers: (d) => d.consumers,
        producers: (d) => d.producers,
        inflight: (d) => d.inflight,
        oldestMessageAgeMs: (d) => d.oldestMessageAgeMs ?? -1,
      },
    });
  });
  // What changed since the reader's cursor: the console's metric recorder polls this, so every
  // destination that moved gets history however shallow it is, and an idle node answers nothing.
  r.route("GET", `${base}/destination-changes`, destinationChangesSchema, (req) => destinationChanges(ctx, destinationChangesQuery.parse(singleValued(req.query))));
  r.route("POST", `${base}/destinations`, createDestinationResultSchema, (req) => createDestination(ctx, createDestinationBody.parse(req.body).destination), "create_destination");
  r.route("GET", `${base}/destinations/:dest`, destinationRowSchema, (req) => getDestination(ctx, req.params.dest));
  r.route("DELETE", `${base}/destinations/:dest`, deleteDestinationResultSchema, (req) => {
    noBody(req);
    return deleteDestination(ctx, req.params.dest);
  }, "delete_destination");
  r.route("POST", `${base}/destinations/:dest/purge`, purgeDestinationResultSchema, (req) => purgeDestination(ctx, req.params.dest), "purge_destination");

  r.route("GET", `${base}/destinations/:dest/messages`, messagePageSchema, (req) => {
    const q = parsePageQuery(req.query, browseExtra);
    if (q.sort !== undefined || q.filter !== undefined) throw badRequest("messages are listed in dispatch order; filter them with selector=");
    return browseMessages(ctx, req.params.dest, q);
  });
  r.route("GET", `${base}/destinations/:dest/messages/:id`, messageDetailSchema, (req) => getMessage(ctx, req.params.dest, req.params.id));
  r.route("POST", `${base}/destinations/:dest/messages`, sendMessageResultSchema, (req) => sendMessage(ctx, req.params.dest, sendMessageBody.parse(req.body ?? {})), "send_message");
  r.route("POST", `${base}/destinations/:dest/move`, moveMessagesResultSchema, (req) => moveMessages(ctx, req.params.dest, moveBody.parse(req.body)), "move_messages");

  // Network bridges this node runs (its group's connectors; only while it is master).
  r.route("GET", `${base}/bridges`, bridgesResponseSchema, () => ({ role: ctx.node.role(), bridges: ctx.bridges?.()?.list() ?? [] }));
  r.route("POST", `${base}/bridges/:name/restart`, restartBridgeResultSchema, (req) => {
    const bridges = ctx.bridges?.();
    if (!bridges) throw new AdminError(503, "NO_BRIDGE", `node ${ctx.node.nodeName} runs no bridge (role: ${ctx.node.role()}); ask the master of group ${ctx.node.groupName}`);
    if (!bridges.restart(req.params.name)) throw new AdminError(404, "NO_BRIDGE", `no bridge named "${req.params.name}" on ${ctx.node.nodeName}`);
    return { restarted: req.params.name };
  }, "restart_bridge");

  r.route("GET", `${base}/connections`, connectionPageSchema, (req) => {
    const q = parsePageQuery(req.query, {});
    return paginate(listConnections(ctx), q, {
      defaultSort: "connectedAt",
      filterText: (c) => `${c.id} ${c.remoteAddress} ${c.user ?? ""} ${c.clientId ?? ""}`,
      sortKeys: { id: (c) => c.id, connectedAt: (c) => c.connectedAt, user: (c) => c.user ?? "", remoteAddress: (c) => c.remoteAddress },
    });
  });
  r.route("DELETE", `${base}/connections/:id`, closeConnectionResultSchema, (req) => {
    noBody(req);
    return closeConnection(ctx, req.params.id);
  }, "close_connection");
  r.route("GET", `${base}/durables`, durablePageSchema, (req) => {
    const q = parsePageQuery(req.query, {});
    return paginate(listDurables(ctx), q, {
      defaultSort: "topic",
      filterText: (d) => `${d.topic} ${d.clientId} ${d.subscriptionName}`,
      sortKeys: { topic: (d) => d.topic, clientId: (d) => d.clientId, pending: (d) => d.pending },
    });
  });
  r.route("GET", `${base}/subscriptions`, subscriptionPageSchema, (req) => {
    const q = parsePageQuery(req.query, {});
    return paginate(listSubscriptions(ctx), q, {
      defaultSort: "destination",
      filterText: (s) => `${s.destination} ${s.connectionId}`,
      sortKeys: { destination: (s) => s.destination, connectionId: (s) => s.connectionId, inflight: (s) => s.inflight, dispatched: (s) => s.dispatched },
    });
  });
  return r;
}
