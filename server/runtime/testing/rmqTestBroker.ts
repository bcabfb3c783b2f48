// Test support (not used at runtime): a RocketMQ broker role over a real journal in a temporary
// directory, without sockets — the unit tests of RmqBroker drive its request handlers directly.
// Acknowledgements follow local_mem (no fsync, no slaves) unless a test passes its own gate.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { pino } from "pino";
import type { RemotingCommand } from "../rocketmq/remotingCodec";
import type { RemotingConnection } from "../rocketmq/RemotingServer";
import { RmqBroker } from "../rocketmq/RmqBroker";
import type { RmqSettings } from "../rocketmq/RmqSettings";
import { RmqStore } from "../rocketmq/RmqStore";
import { localMemGate, type DurabilityGate } from "../store/DurabilityGate";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";

export interface RmqTestBrokerOptions {
  /** Over a single-node broker-a with one queue per topic and RocketMQ's other defaults. */
  settings?: Partial<RmqSettings>;
  /** Journal segment size (1 MiB unless given). */
  segmentSize?: number;
  /** When a send is acknowledged (local_mem unless given). */
  gate?: DurabilityGate;
  /** The disk gauge retention reads (statfs of the temporary directory unless given). */
  measureDisk?: () => Promise<number | null>;
}

export interface RmqTestBroker {
  broker: RmqBroker;
  store: RmqStore;
  journal: Journal;
  /** Calls the handler of `code` as a client's request would (extFields as strings). */
  call(code: number, ext: Record<string, string | number>, body?: Buffer | null): Promise<RemotingCommand | null>;
}

/** The connection requests arrive on: a client that stays connected (heartbeats keep it). */
const conn = { remote: "127.0.0.1:5555", isClosed: false, onClose: () => {}, notify: () => {} } as unknown as RemotingConnection;

/**
 * A broker over a fresh journal, initialised (template and system topics) but not started: tests
 * that need its timers call broker.start(). Stopped, closed and deleted when test `t` ends.
 */
export async function rmqTestBroker(t: TestContext, opts: RmqTestBrokerOptions = {}): Promise<RmqTestBroker> {
  const logger = pino({ level: "silent" });
  const dir = await mkdtemp(join(tmpdir(), "tandem-rmq-test-"));
  const journal = await Journal.open({ dir, segmentSize: opts.segmentSize ?? 1 << 20, logger });
  const settings: RmqSettings = {
    brokerClusterName: "c",
    brokerName: "broker-a",
    host: "127.0.0.1",
    listenPort: 1,
    autoCreateTopicEnable: true,
    defaultTopicQueueNums: 1,
    maxMessageSize: 1024,
    delayLevelsMs: [1000],
    fileReservedTime: 72,
    deleteWhen: [4],
    diskMaxUsedSpaceRatio: 75,
    syncTimeoutMs: 5000,
    replicated: false,
    dataDir: dir,
    namesrvHost: "127.0.0.1",
    ...opts.settings,
  };
  const store = new RmqStore(new MessageStore(journal, opts.gate ?? localMemGate(), logger), logger);
  const broker = new RmqBroker(store, settings, logger, opts.measureDisk);
  broker.init();
  t.after(async () => {
    broker.stop();
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });
  const handlers = broker.handlers();
  const call = (code: number, ext: Record<string, string | number>, body: Buffer | null = null): Promise<RemotingCommand | null> => {
    const extFields: Record<string, string> = {};
    for (const [k, v] of Object.entries(ext)) extFields[k] = String(v);
    return Promise.resolve(handlers.get(code)!({ code, opaque: 1, flag: 0, extFields, body, remark: null }, conn));
  };
  return { broker, store, journal, call };
}
