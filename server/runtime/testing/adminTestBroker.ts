import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before } from "node:test";
import { pino, type Logger } from "pino";
import { brokerPolicySchema } from "../../config/clusterSchema";
import type { AdminContext } from "../admin/AdminContext";
import { Broker } from "../broker/Broker";
import { ReplicationGate } from "../ha/ReplicationGate";
import type { StompServer } from "../stomp/StompServer";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";

export interface AdminTestBrokers {
  logger: Logger;
  /** The suite's journal (a temp dir, opened before the suite, removed after it). */
  journal(): Journal;
  /** A standalone (local_mem) broker over that journal, stopped after its test. */
  newBroker(): Broker;
  /** What the admin services read a node through, for `broker`; no STOMP client is connected. */
  contextOf(broker: Broker): AdminContext;
}

/**
 * Real brokers over a real journal for tests of the node's admin services (call it inside a
 * `describe`: it registers the suite's hooks).
 */
export function adminTestBrokers(prefix: string): AdminTestBrokers {
  const logger = pino({ level: "silent" });
  let dir = "";
  let journal: Journal | null = null;
  const brokers: Broker[] = [];
  const open = (): Journal => {
    if (journal === null) throw new Error("the suite's journal is opened in its before hook");
    return journal;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    journal = await Journal.open({ dir, logger });
  });
  after(async () => {
    await journal?.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const b of brokers.splice(0)) b.stop();
  });
  return {
    logger,
    journal: open,
    newBroker() {
      const j = open();
      const gate = new ReplicationGate(j, { name: "local_mem", local: "mem", remote: "none", minSlaveAcks: 0 }, logger);
      const b = new Broker("mq1", brokerPolicySchema.parse({}), new MessageStore(j, gate, logger), logger);
      brokers.push(b);
      return b;
    },
    contextOf(broker) {
      return {
        node: { version: "test", brokerName: "b", nodeName: "mq1", groupName: "g", role: () => "master", startedAt: 0, ports: new Map(), security: { enabled: false, users: 0, allowAnonymous: true }, ha: () => null, handover: () => Promise.reject(new Error("no")) },
        logger,
        broker: () => broker,
        // No STOMP client is connected: an empty server as nodeInfo and live() read it.
        stomp: () => ({ connections: new Map(), totalAccepted: 0, closedReasons: new Map() }) as unknown as StompServer,
        journal: open,
      };
    },
  };
}
