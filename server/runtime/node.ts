import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { NodeConfig } from "../config/resolveNodeConfig";
import { Broker } from "./broker/Broker";
import { localDiskGate, localMemGate, type DurabilityGate } from "./store/DurabilityGate";
import { Journal } from "./store/Journal";
import { MessageStore } from "./store/MessageStore";
import { openAccess } from "./stomp/openAccess";
import { StompServer } from "./stomp/StompServer";

export interface BrokerNodeOptions {
  config: NodeConfig;
  logger: Logger;
}

/**
 * One broker node: journal → recovery → broker → listeners, stopped in reverse. The composition
 * root of a `tandem broker` process; it never loads the web stack.
 */
export class BrokerNode {
  readonly config: NodeConfig;
  journal!: Journal;
  store!: MessageStore;
  broker!: Broker;
  stomp!: StompServer;
  readonly ports = new Map<string, number>();
  private readonly logger: Logger;
  private stopped = false;
  readonly startedAt = Date.now();

  constructor(options: BrokerNodeOptions) {
    this.config = options.config;
    this.logger = options.logger;
  }

  async start(): Promise<void> {
    const c = this.config;
    await mkdir(c.dataDir, { recursive: true });
    this.journal = await Journal.open({
      dir: join(c.dataDir, "journal"),
      segmentSize: c.policy.journalMaxFileLength,
      logger: this.logger,
    });
    this.store = new MessageStore(this.journal, this.localGate(), this.logger);
    const recovered = await this.store.recover();
    this.logger.info(
      {
        records: recovered.records,
        messages: recovered.messages,
        durableSubs: recovered.durableSubs.length,
        segments: this.journal.recovery.segments,
        truncatedBytes: this.journal.recovery.truncatedBytes,
      },
      "journal recovered",
    );
    this.broker = new Broker(c.nodeName, c.policy, this.store, this.logger);
    this.broker.restore(recovered);
    this.broker.startMaintenance();
    this.stomp = new StompServer({
      nodeName: c.nodeName,
      broker: this.broker,
      policy: c.policy,
      access: openAccess(),
      logger: this.logger,
      serving: () => null,
    });
    this.broker.onSlowConsumer = (sub) => {
      const conn = this.stomp.connections.get(sub.sink.connectionId);
      conn?.fail("slow_consumer", `Slow consumer: subscription ${sub.id} fell too far behind its topic`);
    };
    this.logger.warn("no users are configured: STOMP clients connect anonymously with full rights");
    for (const t of c.transports) {
      if (t.scheme !== "stomp") {
        this.logger.warn({ transport: t.name, scheme: t.scheme }, "transport scheme not served by this node yet; skipped");
        continue;
      }
      const port = await this.stomp.listen({
        name: t.name,
        host: t.host,
        port: t.port,
        maximumConnections: t.maximumConnections ?? 1000,
        maxFrameSize: t.maxFrameSize ?? 10 * 1024 * 1024,
      });
      this.ports.set(t.name, port);
    }
  }

  /** The node's own sync policy; the replicated policies are served by HA groups. */
  private localGate(): DurabilityGate {
    switch (this.config.sync) {
      case "local_mem":
        return localMemGate();
      case "local_disk":
        return localDiskGate(this.journal);
      default:
        // A node outside an HA group has nobody to replicate to: the remote part of the policy
        // cannot hold, so take the strongest local guarantee instead of pretending.
        this.logger.warn({ sync: this.config.sync }, "replicated sync policy on a standalone node: using local_disk");
        return localDiskGate(this.journal);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stomp?.stop();
    this.broker?.stop();
    await this.journal?.close();
  }
}
