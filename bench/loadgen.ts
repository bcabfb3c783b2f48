// Load generator process for the broker benchmarks. It runs in its own process (its own core on
// a 2-core machine) so the client side is not the broker's bottleneck; it prints one JSON line
// (LoadgenResult) on stdout when done.
// Usage: node --import tsx bench/loadgen.ts '<json LoadgenConfig>'
import { performance } from "node:perf_hooks";
import { getHeader } from "../server/runtime/stomp/StompFrame";
import { RawStompClient } from "../e2e/support/RawStompClient";
import { LatencyRecorder } from "./LatencyRecorder";

export interface LoadgenConfig {
  port: number;
  /** Consumers connect here instead of `port` (another group, across a network bridge). */
  consumerPort?: number;
  queue: string;
  producers: number;
  consumers: number;
  persistent: boolean;
  /** 0: no receipts; 1: a receipt on every SEND; N: a receipt on every Nth SEND. */
  receiptEvery: number;
  /** Receipts a producer may have outstanding: 1 = strict (wait for each), 64 = pipelined. */
  window: number;
  /**
   * Load runs this long before measuring starts (JIT tier-up on both sides, TCP windows, the
   * queue's steady state), as JMH or RabbitMQ's PerfTest do: counters and latency histograms
   * only see what happens after it. Ignored when `count` bounds the run or there are no producers (a drain).
   */
  warmupMs: number;
  /** Producers stop after this long (measured window, after the warm-up) … */
  durationMs: number;
  /** … or after this many messages in total, whichever comes first (0 = no count bound). */
  count: number;
  /** Consumers without producers stop after receiving this many (backlog drain). */
  expect: number;
  bodySize: number;
  ackMode: "auto" | "client-individual";
  prefetch: number;
  /** After producers stop, consumers get this long to catch up. */
  drainTimeoutMs: number;
  /** Credentials on CONNECT (authentication-on scenarios). */
  login?: string;
  passcode?: string;
  /** Consumers subscribe with this selector; producers add header `n` = seq mod selectorCycle. */
  selector?: string;
  selectorCycle?: number;
  /** CONNECT's `host` header (the virtual host); default "tandem". RabbitMQ needs "/" (or a vhost it has). */
  virtualHost?: string;
  /**
   * Fixed-rate mode: offered load in messages per second over all producers (0 or absent:
   * saturation, as fast as the window allows). Each send has a scheduled time; latency is taken
   * from that time, not from when the send actually went out, so a broker that stalls the sender
   * is charged for the wait (no coordinated omission). `window` still caps outstanding receipts.
   */
  rate?: number;
}

export interface LoadgenResult {
  sent: number;
  /** Everything sent, warm-up included (per-message figures of the broker, e.g. fsyncs, divide by this). */
  sentTotal: number;
  receipted: number;
  consumed: number;
  /** sent / receipted / consumed / produceSeconds / consumeSeconds and rates cover the measured window only. */
  produceSeconds: number;
  /** From the start of the measured window to the last message consumed. */
  consumeSeconds: number;
  sendRate: number;
  receiptRate: number;
  consumeRate: number;
  /** send → RECEIPT, ms. */
  receiptP50: number;
  receiptP99: number;
  receiptP999: number;
  /** send → MESSAGE at a consumer (timestamp header; same process, same clock), ms. */
  e2eP50: number;
  e2eP99: number;
  e2eP999: number;
  /** Fixed-rate mode: the offered rate, and sends that went out more than 1 ms after their scheduled time. */
  offeredRate: number;
  lateSends: number;
  errors: string[];
  /** The load generator's own CPU over the run (1.0 = one core busy): near 1.0 means it, not the broker, may be the limit. */
  loadgenCpu: number;
}

/** Bytes allowed in a producer's socket buffer before it waits for 'drain' (TCP backpressure). */
const MAX_PENDING_BYTES = 1 << 20;

export async function runLoad(c: LoadgenConfig): Promise<LoadgenResult> {
  const errors: string[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const receiptLat = new LatencyRecorder();
  const e2eLat = new LatencyRecorder();
  const body = Buffer.alloc(c.bodySize, 0x78);
  let sent = 0;
  let receipted = 0;
  let consumed = 0;
  let lastConsumeAt = 0;
  let producing = c.producers > 0;
  let wakeConsumersDone: (() => void) | null = null;

  const auth = { login: c.login, passcode: c.passcode, virtualHost: c.virtualHost };
  const consumerClients = await Promise.all(Array.from({ length: c.consumers }, () => RawStompClient.connect({ port: c.consumerPort ?? c.port, ...auth })));
  const producerClients = await Promise.all(Array.from({ length: c.producers }, () => RawStompClient.connect({ port: c.port, ...auth })));
  const warmupMs = c.count === 0 && c.producers > 0 ? c.warmupMs : 0;
  let started = performance.now();
  // What the warm-up did, subtracted from the totals when measuring starts.
  let sent0 = 0;
  let receipted0 = 0;
  let consumed0 = 0;
  let measuring = warmupMs === 0;
  const warmupTimer = setTimeout(() => {
    measuring = true;
    started = performance.now();
    sent0 = sent;
    receipted0 = receipted;
    consumed0 = consumed;
  }, warmupMs);

  // With a selector matching `n = 0` (n = seq mod cycle, seq from 1), floor(sent/cycle) messages match.
  const expectedConsumed = (): number => (c.selectorCycle ? Math.floor(sent / c.selectorCycle) : sent);
  const consumersDone = (): boolean =>
    !producing && (c.producers > 0 ? consumed >= expectedConsumed() : consumed >= c.expect);
  consumerClients.forEach((client, i) => {
    client.onMessage = (frame) => {
      const now = performance.now();
      consumed++;
      lastConsumeAt = now;
      const ts = getHeader(frame, "ts");
      if (ts !== undefined && measuring) e2eLat.record(now - Number(ts));
      if (c.ackMode !== "auto") client.ack(frame);
      if (consumersDone()) wakeConsumersDone?.();
    };
    void client.closed.then((err) => err && errors.push(`consumer ${i}: ${err.message}`));
  });
  await Promise.all(consumerClients.map((client, i) => client.subscribe(c.queue, `s${i}`, c.ackMode, c.prefetch, c.selector)));

  const deadline = started + warmupMs + c.durationMs;
  const budget = (): boolean => performance.now() < deadline && (c.count === 0 || sent < c.count);

  const rate = c.rate ?? 0;
  let lateSends = 0;
  const produce = async (client: RawStompClient, index: number): Promise<void> => {
    // Fixed rate: producer i sends at t0 + (k * producers + i) / rate, k = 0, 1, …
    const interval = rate > 0 ? (1000 * c.producers) / rate : 0;
    let due = performance.now() + (rate > 0 ? (1000 * index) / rate : 0);
    let outstanding = 0;
    let wake: (() => void) | null = null;
    const onClose = client.closed.then(() => wake?.());
    void onClose;
    let seq = 0;
    while (client.isOpen && budget()) {
      if (outstanding >= c.window) {
        await new Promise<void>((r) => (wake = r));
        wake = null;
        continue;
      }
      if (client.pendingBytes > MAX_PENDING_BYTES) {
        await client.waitDrain();
        continue;
      }
      let t0 = performance.now();
      if (rate > 0) {
        if (t0 < due) {
          // Timers are ms-grained: sleep the coarse part, spin through setImmediate for the rest.
          if (due - t0 > 2) await new Promise((r) => setTimeout(r, due - t0 - 1));
          else await new Promise((r) => setImmediate(r));
          continue;
        }
        if (t0 - due > 1 && measuring) lateSends++;
        t0 = due;
        due += interval;
      }
      seq++;
      sent++;
      const headers: Array<[string, string]> = [["destination", c.queue], ["ts", t0.toFixed(3)]];
      if (c.selectorCycle) headers.push(["n", String(seq % c.selectorCycle)]);
      if (c.persistent) headers.push(["persistent", "true"]);
      if (c.receiptEvery > 0 && seq % c.receiptEvery === 0) {
        outstanding++;
        client.frame("SEND", headers, body, `r${seq}`, () => {
          if (measuring) receiptLat.record(performance.now() - t0);
          receipted += c.receiptEvery;
          outstanding--;
          wake?.();
        });
      } else {
        client.frame("SEND", headers, body);
      }
      // Let the socket flush (writes are corked per tick) and receipts/messages be processed.
      if (seq % 64 === 0) await new Promise((r) => setImmediate(r));
    }
    // Wait for the last receipts so the rate counts only confirmed messages.
    const until = performance.now() + 10_000;
    while (outstanding > 0 && client.isOpen && performance.now() < until) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };

  await Promise.all(producerClients.map((client, i) => produce(client, i)));
  clearTimeout(warmupTimer);
  const produceSeconds = (performance.now() - started) / 1000;
  producing = false;

  if (c.consumers > 0 && !consumersDone()) {
    await new Promise<void>((resolve) => {
      wakeConsumersDone = resolve;
      setTimeout(resolve, c.drainTimeoutMs);
    });
  }
  if (c.consumers > 0 && !consumersDone()) {
    errors.push(`consumers got ${consumed} of ${c.producers > 0 ? expectedConsumed() : c.expect} within the drain timeout`);
  }
  const consumeSeconds = ((lastConsumeAt || performance.now()) - started) / 1000;
  await Promise.all([...producerClients, ...consumerClients].map((cl) => cl.disconnect()));
  const mSent = sent - sent0;
  const mReceipted = receipted - receipted0;
  const mConsumed = consumed - consumed0;

  const [rp50, rp99, rp999] = receiptLat.percentiles([50, 99, 99.9]);
  const [ep50, ep99, ep999] = e2eLat.percentiles([50, 99, 99.9]);
  return {
    sent: mSent,
    sentTotal: sent,
    receipted: mReceipted,
    consumed: mConsumed,
    produceSeconds: round(produceSeconds),
    consumeSeconds: round(consumeSeconds),
    sendRate: Math.round(mSent / produceSeconds),
    receiptRate: Math.round(mReceipted / produceSeconds),
    consumeRate: consumeSeconds > 0 ? Math.round(mConsumed / consumeSeconds) : 0,
    receiptP50: round(rp50!),
    receiptP99: round(rp99!),
    receiptP999: round(rp999!),
    e2eP50: round(ep50!),
    e2eP99: round(ep99!),
    e2eP999: round(ep999!),
    offeredRate: rate,
    lateSends,
    errors,
    loadgenCpu: Math.round(((): number => {
      const u = process.cpuUsage(cpu0);
      return (u.user + u.system) / 1000 / (performance.now() - wall0);
    })() * 100) / 100,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// Process entry: run when spawned as a script, not when imported for its types.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/").split("/").pop()!)) {
  runLoad(JSON.parse(process.argv[2] ?? "{}") as LoadgenConfig)
    .then((r) => {
      process.stdout.write(JSON.stringify(r) + "\n");
      process.exit(0);
    })
    .catch((err: unknown) => {
      process.stderr.write(`loadgen: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
