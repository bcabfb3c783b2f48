// Continuous producer/consumer load through Tandem's failover client, recording enough to prove
// at-least-once across master kills (see haLoadChecker).
import { FailoverClient } from "../../server/runtime/client/FailoverClient";
import { checkHaLoad, type HaLoadRecord, type HaLoadVerdict } from "./haLoadChecker";

export interface HaLoadOptions {
  /** One URI per producer client, used round-robin (e.g. a failover list, a discovery URI). */
  producerUris: string[];
  consumerUris: string[];
  producers: number;
  consumers: number;
  queue: string;
  /** Receipts outstanding per producer. */
  window: number;
  /** Pause between sends per producer (0: as fast as the window allows). */
  pauseMs: number;
  bodyBytes: number;
}

export interface HaLoadStats {
  resentSends: number;
  reconnects: number;
  staleAcks: number;
  sendErrors: string[];
}

export class HaLoad {
  readonly records = new Map<string, HaLoadRecord>();
  readonly unknown: string[] = [];
  readonly kills: number[] = [];
  /** When each consumer's connection was lost (by consumer index). */
  readonly interruptions: number[][] = [];
  readonly sendErrors: string[] = [];
  private running = true;
  private loops: Promise<void>[] = [];

  private constructor(
    private readonly o: HaLoadOptions,
    readonly producers: FailoverClient[],
    readonly consumers: FailoverClient[],
  ) {}

  static async start(o: HaLoadOptions): Promise<HaLoad> {
    const pick = (uris: string[], i: number): string => uris[i % uris.length]!;
    const consumers = await Promise.all(Array.from({ length: o.consumers }, (_, i) => FailoverClient.connect({ uri: pick(o.consumerUris, i) })));
    const producers = await Promise.all(Array.from({ length: o.producers }, (_, i) => FailoverClient.connect({ uri: pick(o.producerUris, i) })));
    const load = new HaLoad(o, producers, consumers);
    for (const [index, c] of consumers.entries()) {
      const lost: number[] = [];
      load.interruptions.push(lost);
      c.on("interrupted", () => lost.push(Date.now()));
      await c.subscribe(
        o.queue,
        (m) => {
          const id = m.body.toString("latin1", 0, m.body.indexOf(0x20) === -1 ? m.body.length : m.body.indexOf(0x20));
          const r = load.records.get(id);
          if (r) {
            r.deliveries.push(Date.now());
            (r.consumers ??= []).push(index);
          } else load.unknown.push(id);
          void m.ack();
        },
        { ack: "client-individual" },
      );
    }
    load.loops = producers.map((p, i) => load.produce(p, i));
    return load;
  }

  get receipted(): number {
    let n = 0;
    for (const r of this.records.values()) if (r.receiptedAt !== null) n++;
    return n;
  }

  /** Resolves once `n` more receipts than now have arrived. */
  async progress(n: number, timeoutMs: number): Promise<void> {
    const target = this.receipted + n;
    const until = Date.now() + timeoutMs;
    while (this.receipted < target) {
      if (Date.now() > until) throw new Error(`load stalled: ${this.receipted}/${target} receipts after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops producing; resolves when every send has its receipt (or failed). */
  async stopProducers(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Waits until every receipted message was consumed at least once (or the timeout). */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.verdict().lost.length === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  verdict(): HaLoadVerdict {
    return checkHaLoad(this.records, this.unknown, this.kills, this.interruptions);
  }

  stats(): HaLoadStats {
    const all = [...this.producers, ...this.consumers];
    return {
      resentSends: this.producers.reduce((s, p) => s + p.stats.resentSends, 0),
      reconnects: all.reduce((s, c) => s + c.stats.reconnects, 0),
      staleAcks: this.consumers.reduce((s, c) => s + c.stats.staleAcks, 0),
      sendErrors: this.sendErrors,
    };
  }

  async close(): Promise<void> {
    this.running = false;
    await Promise.all([...this.producers, ...this.consumers].map((c) => c.disconnect()));
    await Promise.allSettled(this.loops);
  }

  private async produce(p: FailoverClient, index: number): Promise<void> {
    const inflight = new Set<Promise<void>>();
    let seq = 0;
    while (this.running) {
      if (inflight.size >= this.o.window) {
        await Promise.race(inflight);
        continue;
      }
      const id = `p${index}-${seq++}`;
      const record: HaLoadRecord = { sentAt: Date.now(), receiptedAt: null, deliveries: [] };
      this.records.set(id, record);
      const body = Buffer.alloc(Math.max(this.o.bodyBytes, id.length + 1), 0x2e);
      body.write(`${id} `, "latin1");
      const sent: Promise<void> = p
        .send(this.o.queue, body, { headers: { persistent: "true" } })
        .then(
          () => {
            record.receiptedAt = Date.now();
          },
          (err: Error) => {
            if (this.running) this.sendErrors.push(`${id}: ${err.message}`);
          },
        )
        .finally(() => inflight.delete(sent));
      inflight.add(sent);
      if (this.o.pauseMs > 0) await new Promise((r) => setTimeout(r, this.o.pauseMs));
    }
    await Promise.all(inflight);
  }
}
