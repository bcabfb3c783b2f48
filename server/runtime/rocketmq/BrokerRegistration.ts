import type { TopicConfig } from "./rmqRecord";

/**
 * What a group's master publishes for the NameServer role (RocketMQ's REGISTER_BROKER body,
 * TopicConfigSerializeWrapper, reduced to what routes need). Crosses process boundaries as JSON
 * in a coordinator znode.
 */
export interface BrokerRegistration {
  cluster: string;
  brokerName: string;
  /** The master's broker listener, "host:port" (brokerId 0 in routes: Tandem slaves serve no clients). */
  addr: string;
  node: string;
  /** Writer's clock; renewed every 30 s (registerNameServerPeriod). */
  registeredAt: number;
  topics: Record<string, TopicConfig>;
}

export function parseRegistration(data: Buffer | null): BrokerRegistration | null {
  if (!data) return null;
  try {
    const r = JSON.parse(data.toString("utf8")) as Partial<BrokerRegistration>;
    if (typeof r.cluster !== "string" || typeof r.brokerName !== "string" || typeof r.addr !== "string" || typeof r.topics !== "object" || r.topics === null) return null;
    return { cluster: r.cluster, brokerName: r.brokerName, addr: r.addr, node: String(r.node ?? ""), registeredAt: Number(r.registeredAt ?? 0), topics: r.topics };
  } catch {
    return null;
  }
}

/** Where the NameServer role reads registrations from. */
export interface RouteSource {
  registrations(): Promise<BrokerRegistration[]>;
}
