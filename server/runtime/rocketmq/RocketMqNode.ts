import type { Logger } from "pino";
import type { Broker } from "../broker/Broker";
import type { MessageStore } from "../store/MessageStore";
import type { CoordinationApi } from "../zk/CoordinationApi";
import { EphemeralMember } from "../zk/EphemeralMember";
import type { BrokerRegistration, RouteSource } from "./BrokerRegistration";
import { NameServer } from "./NameServer";
import { RemotingServer } from "./RemotingServer";
import { RmqBroker } from "./RmqBroker";
import type { RmqSettings } from "./RmqSettings";
import { RmqStore } from "./RmqStore";
import { ZkRouteSource } from "./ZkRouteSource";

/** registerNameServerPeriod. */
const REGISTER_PERIOD_MS = 30_000;
/** Room for the remoting header and batch framing on top of maxMessageSize. */
const FRAME_HEADROOM = 64 * 1024;

export interface RocketMqNodeOptions {
  settings: RmqSettings;
  nodeName: string;
  /** The coordinator client (null on a node outside an HA group: routes then come from this node alone). */
  zk: () => CoordinationApi | null;
  /** Znode under which masters register, e.g. /tandem/<cluster>/rocketmq/brokers. */
  registryPath: string;
  logger: Logger;
}

/**
 * RocketMQ's roles on one Tandem node: a NameServer listener in every role (stateless: it reads
 * the coordinator), and — only while this node is its group's master — the broker listener over
 * the group's journal, registered for routes. Started and stopped by the node's composition root.
 */
export class RocketMqNode {
  private nameServerListener: RemotingServer | null = null;
  private brokerListener: RemotingServer | null = null;
  broker: RmqBroker | null = null;
  private registration: EphemeralMember | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private readonly source: RouteSource;
  private readonly log: Logger;
  namesrvPort: number | null = null;
  brokerPort: number | null = null;

  constructor(private readonly opts: RocketMqNodeOptions) {
    this.log = opts.logger.child({ component: "rocketmq" });
    const zkSource = new ZkRouteSource(opts.zk, opts.registryPath, this.log);
    // Outside an HA group there is no coordinator: this node's own broker is the whole route table.
    this.source = { registrations: () => (opts.zk() ? zkSource.registrations() : Promise.resolve(this.localRegistration())) };
  }

  get settings(): RmqSettings {
    return this.opts.settings;
  }

  async startNameServer(): Promise<void> {
    const s = this.opts.settings;
    if (s.namesrvPort === undefined || this.nameServerListener) return;
    const nameServer = new NameServer(this.source, this.log);
    const listener = new RemotingServer({ role: "namesrv", host: s.namesrvHost, port: s.namesrvPort, maxFrame: 1024 * 1024, handlers: nameServer.handlers(), logger: this.log });
    this.namesrvPort = await listener.listen();
    this.nameServerListener = listener;
  }

  /** This node became master (or serves standalone): open the broker listener and register. */
  async serve(store: MessageStore, stomp: Broker): Promise<void> {
    const s = this.opts.settings;
    const rstore = new RmqStore(store, this.log);
    const recovered = await rstore.recover();
    this.log.info(recovered, "RocketMQ store recovered from the journal");
    const broker = new RmqBroker(rstore, s, this.log);
    broker.init();
    // The STOMP broker's segment reclaim must keep what RocketMQ retention still holds.
    stomp.retainFloor = () => rstore.floor();
    const listener = new RemotingServer({ role: "broker", host: s.host, port: s.listenPort, maxFrame: s.maxMessageSize + FRAME_HEADROOM, handlers: broker.handlers(), logger: this.log });
    this.brokerPort = await listener.listen();
    this.brokerListener = listener;
    this.broker = broker;
    broker.start();
    rstore.onTopicsChanged = () => this.scheduleRenew(200);
    await this.register();
  }

  async unserve(reason: string): Promise<void> {
    const broker = this.broker;
    this.broker = null;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    const reg = this.registration;
    this.registration = null;
    broker?.stop();
    await this.brokerListener?.stop();
    this.brokerListener = null;
    this.brokerPort = null;
    await reg?.close().catch((err: unknown) => this.log.warn({ err }, "RocketMQ registration not removed (its session end removes it)"));
    if (broker) this.log.warn({ reason }, "RocketMQ broker listener closed");
  }

  async stop(): Promise<void> {
    await this.unserve("shutdown");
    await this.nameServerListener?.stop();
    this.nameServerListener = null;
  }

  private localRegistration(): BrokerRegistration[] {
    const b = this.broker;
    if (!b) return [];
    return [{ cluster: b.settings.brokerClusterName, brokerName: b.settings.brokerName, addr: b.storeHost, node: this.opts.nodeName, registeredAt: Date.now(), topics: b.topicTable() }];
  }

  private async register(): Promise<void> {
    const zk = this.opts.zk();
    const [reg] = this.localRegistration();
    if (!zk || !reg) return;
    try {
      this.registration = await EphemeralMember.start({ client: zk, prefix: `${this.opts.registryPath}/broker-`, data: reg, logger: this.log });
      this.registration.on("error", (err) => this.log.warn({ err }, "RocketMQ broker registration error"));
      this.log.info({ brokerName: reg.brokerName, addr: reg.addr, topics: Object.keys(reg.topics).length }, "RocketMQ broker registered for routes");
    } catch (err) {
      this.log.error({ err }, "RocketMQ broker registration failed; retrying at the next period");
    }
    this.scheduleRenew(REGISTER_PERIOD_MS);
  }

  private scheduleRenew(ms: number): void {
    if (!this.broker) return;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => void this.renew(), ms);
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    this.renewTimer = null;
    if (!this.broker) return;
    if (!this.registration) {
      await this.register();
      return;
    }
    const [reg] = this.localRegistration();
    try {
      if (reg) await this.registration.update(reg);
    } catch (err) {
      this.log.warn({ err }, "RocketMQ registration renewal failed");
    }
    this.scheduleRenew(REGISTER_PERIOD_MS);
  }
}
