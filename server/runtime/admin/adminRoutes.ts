import type { AdminContext } from "./AdminContext";
import { AdminError, badRequest } from "./AdminError";
import { AdminRouter, type AdminRequest } from "./AdminRouter";
import { browseExtra, createDestinationBody, destinationsExtra, moveBody, sendMessageBody } from "./adminSchemas";
import { closeConnection, listConnections, listDurables, listSubscriptions } from "./connections";
import {
  createDestination,
  deleteDestination,
  getDestination,
  listDestinations,
  purgeDestination,
} from "./destinations";
import { browseMessages, getMessage, moveMessages, sendMessage } from "./messages";
import { nodeInfo } from "./nodeInfo";
import { createNodeMetrics } from "./nodeMetrics";
import { RawReply } from "./RawReply";
import { paginate, parsePageQuery } from "./paging";

function noBody(req: AdminRequest): void {
  if (req.body !== undefined) throw badRequest("this request takes no body");
}

/** Every admin endpoint: path → schema → service. Mutating routes carry an action name for the audit log. */
export function adminRoutes(ctx: AdminContext): AdminRouter {
  const r = new AdminRouter();
  const base = "/api/v1";

  r.add("GET", `${base}/node`, () => nodeInfo(ctx));
  // Prometheus: `max_destinations=N` keeps the N deepest destinations' series (a node with 10,000
  // queues need not export all of them on every scrape); absent, all are exported.
  const metrics = createNodeMetrics(ctx);
  r.add("GET", "/metrics", async (req) => {
    const raw = req.query.get("max_destinations");
    if (raw !== null && !/^\d+$/.test(raw)) throw badRequest("max_destinations must be a whole number");
    const m = await metrics.scrape(raw === null ? null : Number(raw));
    return new RawReply(m.contentType, m.text);
  });
  r.add("POST", `${base}/node/handover`, async () => {
    try {
      return await ctx.node.handover();
    } catch (err) {
      throw new AdminError(409, (err as Error).message);
    }
  }, "handover");

  r.add("GET", `${base}/destinations`, async (req) => {
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
  r.add("POST", `${base}/destinations`, (req) => createDestination(ctx, createDestinationBody.parse(req.body).destination), "create_destination");
  r.add("GET", `${base}/destinations/:dest`, (req) => getDestination(ctx, req.params.dest));
  r.add("DELETE", `${base}/destinations/:dest`, (req) => {
    noBody(req);
    return deleteDestination(ctx, req.params.dest);
  }, "delete_destination");
  r.add("POST", `${base}/destinations/:dest/purge`, (req) => purgeDestination(ctx, req.params.dest), "purge_destination");

  r.add("GET", `${base}/destinations/:dest/messages`, (req) => {
    const q = parsePageQuery(req.query, browseExtra);
    if (q.sort !== undefined || q.filter !== undefined) throw badRequest("messages are listed in dispatch order; filter them with selector=");
    return browseMessages(ctx, req.params.dest, q);
  });
  r.add("GET", `${base}/destinations/:dest/messages/:id`, (req) => getMessage(ctx, req.params.dest, req.params.id));
  r.add("POST", `${base}/destinations/:dest/messages`, (req) => sendMessage(ctx, req.params.dest, sendMessageBody.parse(req.body ?? {})), "send_message");
  r.add("POST", `${base}/destinations/:dest/move`, (req) => moveMessages(ctx, req.params.dest, moveBody.parse(req.body)), "move_messages");

  // Network bridges this node runs (its group's connectors; only while it is master).
  r.add("GET", `${base}/bridges`, () => ({ role: ctx.node.role(), bridges: ctx.bridges?.()?.list() ?? [] }));
  r.add("POST", `${base}/bridges/:name/restart`, (req) => {
    const bridges = ctx.bridges?.();
    if (!bridges) throw new AdminError(503, `node ${ctx.node.nodeName} runs no bridge (role: ${ctx.node.role()}); ask the master of group ${ctx.node.groupName}`);
    if (!bridges.restart(req.params.name)) throw new AdminError(404, `no bridge named "${req.params.name}" on ${ctx.node.nodeName}`);
    return { restarted: req.params.name };
  }, "restart_bridge");

  r.add("GET", `${base}/connections`, (req) => {
    const q = parsePageQuery(req.query, {});
    return paginate(listConnections(ctx), q, {
      defaultSort: "connectedAt",
      filterText: (c) => `${c.id} ${c.remoteAddress} ${c.user ?? ""} ${c.clientId ?? ""}`,
      sortKeys: { id: (c) => c.id, connectedAt: (c) => c.connectedAt, user: (c) => c.user ?? "", remoteAddress: (c) => c.remoteAddress },
    });
  });
  r.add("DELETE", `${base}/connections/:id`, (req) => {
    noBody(req);
    return closeConnection(ctx, req.params.id);
  }, "close_connection");
  r.add("GET", `${base}/durables`, (req) => {
    const q = parsePageQuery(req.query, {});
    return paginate(listDurables(ctx), q, {
      defaultSort: "topic",
      filterText: (d) => `${d.topic} ${d.clientId} ${d.subscriptionName}`,
      sortKeys: { topic: (d) => d.topic, clientId: (d) => d.clientId, pending: (d) => d.pending },
    });
  });
  r.add("GET", `${base}/subscriptions`, (req) => {
    const q = parsePageQuery(req.query, {});
    return paginate(listSubscriptions(ctx), q, {
      defaultSort: "destination",
      filterText: (s) => `${s.destination} ${s.connectionId}`,
      sortKeys: { destination: (s) => s.destination, connectionId: (s) => s.connectionId, inflight: (s) => s.inflight, dispatched: (s) => s.dispatched },
    });
  });
  return r;
}
