import type { Logger } from "pino";
import type { BrokerRegistration, RouteSource } from "./BrokerRegistration";
import { RequestCode, ResponseCode } from "./remotingCodes";
import { response, type RemotingCommand } from "./remotingCodec";
import type { RemotingHandler } from "./RemotingServer";

/**
 * The NameServer role (DefaultRequestProcessor): routes by topic, cluster info and the topic list,
 * answered from the brokers' registrations. Tandem's brokers register through the coordinator,
 * not with REGISTER_BROKER, so this role keeps no state of its own.
 */
export class NameServer {
  constructor(
    private readonly source: RouteSource,
    private readonly logger: Logger,
  ) {}

  handlers(): Map<number, RemotingHandler> {
    const h = new Map<number, RemotingHandler>();
    h.set(RequestCode.GET_ROUTEINFO_BY_TOPIC, (r) => this.route(r));
    h.set(RequestCode.GET_BROKER_CLUSTER_INFO, (r) => this.clusterInfo(r));
    h.set(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (r) => this.topicList(r));
    h.set(RequestCode.GET_KV_CONFIG, (r) => kvNotFound(r));
    h.set(RequestCode.GET_KV_CONFIG_BY_VALUE, (r) => kvNotFound(r));
    // Routes follow the brokers' registrations: a broker's own DELETE_TOPIC_IN_BROKER removes it.
    h.set(RequestCode.DELETE_TOPIC_IN_NAMESRV, (r) => response(r, ResponseCode.SUCCESS));
    return h;
  }

  private async regs(): Promise<BrokerRegistration[]> {
    return this.source.registrations();
  }

  /** TopicRouteData for `topic`, or null when no broker serves it. */
  async routeData(topic: string): Promise<Record<string, unknown> | null> {
    const queueDatas: unknown[] = [];
    const brokerDatas: unknown[] = [];
    for (const r of await this.regs()) {
      const t = r.topics[topic];
      if (!t) continue;
      queueDatas.push({ brokerName: r.brokerName, readQueueNums: t.readQueueNums, writeQueueNums: t.writeQueueNums, perm: t.perm, topicSysFlag: t.topicSysFlag });
      brokerDatas.push({ cluster: r.cluster, brokerName: r.brokerName, brokerAddrs: { "0": r.addr } });
    }
    if (queueDatas.length === 0) return null;
    return { orderTopicConf: null, queueDatas, brokerDatas, filterServerTable: {} };
  }

  private async route(req: RemotingCommand): Promise<RemotingCommand> {
    const topic = req.extFields.topic ?? "";
    const data = await this.routeData(topic);
    if (!data) return response(req, ResponseCode.TOPIC_NOT_EXIST, {}, null, `No topic route info in name server for the topic: ${topic}`);
    return response(req, ResponseCode.SUCCESS, {}, Buffer.from(JSON.stringify(data)));
  }

  private async clusterInfo(req: RemotingCommand): Promise<RemotingCommand> {
    const brokerAddrTable: Record<string, unknown> = {};
    const clusterAddrTable: Record<string, string[]> = {};
    for (const r of await this.regs()) {
      brokerAddrTable[r.brokerName] = { cluster: r.cluster, brokerName: r.brokerName, brokerAddrs: { "0": r.addr } };
      (clusterAddrTable[r.cluster] ??= []).push(r.brokerName);
    }
    return response(req, ResponseCode.SUCCESS, {}, Buffer.from(JSON.stringify({ brokerAddrTable, clusterAddrTable })));
  }

  private async topicList(req: RemotingCommand): Promise<RemotingCommand> {
    const topics = new Set<string>();
    for (const r of await this.regs()) for (const t of Object.keys(r.topics)) topics.add(t);
    return response(req, ResponseCode.SUCCESS, {}, Buffer.from(JSON.stringify({ topicList: [...topics].sort() })));
  }
}

function kvNotFound(req: RemotingCommand): RemotingCommand {
  const e = req.extFields;
  return response(req, ResponseCode.QUERY_NOT_FOUND, {}, null, `No config item, Namespace: ${e.namespace ?? ""} Key: ${e.key ?? ""}`);
}
