import type { Logger } from "pino";
import type { Broker } from "../broker/Broker";
import type { CoordinationClient } from "../zk/CoordinationClient";
import type { BridgeSpec } from "../../config/resolveNetworkConnectors";
import { BridgeSession } from "./BridgeSession";
import { ConsumerAdvisory } from "./ConsumerAdvisory";
import { NetworkBridge, type BridgeView } from "./NetworkBridge";

export interface NetworkBridgesOptions {
  specs: BridgeSpec[];
  groupName: string;
  nodeName: string;
  broker: Broker;
  zk: CoordinationClient | null;
  logger: Logger;
}

/**
 * The network side of one master tenure: the consumer advisory every master publishes (so other
 * groups' bridges see its demand) and the bridges of its group's connectors. Created when the node
 * starts serving, stopped before its broker stops — a slave runs no bridge.
 */
export class NetworkBridges {
  readonly advisory: ConsumerAdvisory;
  private readonly bridges: NetworkBridge[];

  constructor(o: NetworkBridgesOptions) {
    this.advisory = new ConsumerAdvisory(o.broker, o.groupName, o.logger);
    // A slow client is cut off by the node's STOMP server; a slow bridge is handled by its session.
    const clients = o.broker.onSlowConsumer;
    o.broker.onSlowConsumer = (sub) => (sub.sink instanceof BridgeSession ? sub.sink.slowTopic(sub) : clients(sub));
    const directGroups = new Set(o.specs.map((s) => s.remote.group).filter((g): g is string => g !== null));
    this.bridges = o.specs.map(
      (spec) => new NetworkBridge({ spec, localGroup: o.groupName, localNode: o.nodeName, broker: o.broker, zk: o.zk, directGroups, logger: o.logger }),
    );
  }

  start(): void {
    for (const b of this.bridges) b.start();
  }

  list(): BridgeView[] {
    return this.bridges.map((b) => b.view());
  }

  /** False when no bridge has that name. */
  restart(name: string): boolean {
    const b = this.bridges.find((x) => x.name === name);
    if (!b) return false;
    b.restart();
    return true;
  }

  async stop(reason: string): Promise<void> {
    await Promise.all(this.bridges.map((b) => b.stop(reason)));
    this.advisory.close();
  }
}
