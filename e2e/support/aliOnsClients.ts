// ali-ons producers and consumers pointed at Tandem's NameServer listeners (nameSrv: no Aliyun
// address server, no HTTP), with a quiet logger and fast client-side timers so tests need not wait
// for the 30 s route poll / 10 s rebalance defaults.
import { Consumer, Producer } from "ali-ons";

const quiet = { info() {}, warn() {}, debug() {}, error() {} };
const noHttp = {
  request: async (): Promise<never> => {
    throw new Error("ali-ons asked for an address server although nameSrv is set");
  },
};

export interface ClientTimers {
  pollNameServerInteval?: number;
  rebalanceInterval?: number;
  heartbeatBrokerInterval?: number;
  persistConsumerOffsetInterval?: number;
}

const FAST: Required<ClientTimers> = { pollNameServerInteval: 2000, rebalanceInterval: 2000, heartbeatBrokerInterval: 5000, persistConsumerOffsetInterval: 1000 };

export function producer(nameSrv: string[], group: string, instanceName: string, timers: ClientTimers = {}): Producer {
  const p = new Producer({ nameSrv, httpclient: noHttp, logger: quiet, producerGroup: group, instanceName, ...FAST, ...timers, sendMsgTimeout: 10_000 });
  p.on("error", () => {});
  return p;
}

export function consumer(
  nameSrv: string[],
  group: string,
  instanceName: string,
  opts: { isBroadcast?: boolean; maxReconsumeTimes?: number; consumeFromWhere?: string } = {},
  timers: ClientTimers = {},
): Consumer {
  const c = new Consumer({
    nameSrv,
    httpclient: noHttp,
    logger: quiet,
    consumerGroup: group,
    instanceName,
    ...FAST,
    ...timers,
    brokerSuspendMaxTimeMillis: 3000,
    consumerTimeoutMillisWhenSuspend: 8000,
    ...opts,
  });
  c.on("error", () => {});
  return c;
}

/**
 * Closes clients, then ali-ons' shared inner producer (MQProducer.defaultProducer, created by the
 * first consumer for send-back fallbacks; it shares that consumer's client instance, whose timers
 * keep running until it closes too). Bounded: a close can wait on a dead broker.
 */
export async function closeAll(clients: Array<Producer | Consumer>, boundMs = 10_000): Promise<void> {
  const bounded = (p: Promise<unknown>): Promise<unknown> => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, boundMs).unref())]);
  await bounded(Promise.allSettled(clients.map((c) => c.close())));
  const holder = Producer as unknown as { defaultProducer?: Producer | null };
  const inner = holder.defaultProducer;
  holder.defaultProducer = null;
  if (inner) await bounded(inner.close());
}
