// STOMP helpers for HA scenario tests: a producer that records exactly which sends the group
// acknowledged (RECEIPT arrived) and when, a queue drain, and a probe for "this port is closed".
// Built on RawStompClient (the server's own pure codec over net.Socket).
import { connect as netConnect } from "node:net";
import type { StompFrame } from "../../server/runtime/stomp/StompFrame";
import { RawStompClient } from "./RawStompClient";

export interface SendOutcome {
  body: string;
  /** Date.now() when the RECEIPT arrived; undefined if it never did (connection died first). */
  ackedAt?: number;
}

/**
 * One producer connection to a master. Every send carries a receipt; `acked` lists the bodies
 * whose RECEIPT arrived: the group promised to keep exactly those.
 */
export class HaProducer {
  readonly outcomes: SendOutcome[] = [];
  /** Date.now() when the connection closed, once it has. */
  closedAt: number | undefined;
  private seq = 0;

  private constructor(readonly client: RawStompClient, readonly destination: string) {
    void client.closed.then(() => {
      this.closedAt = Date.now();
    });
  }

  static async connect(port: number, destination: string): Promise<HaProducer> {
    return new HaProducer(await RawStompClient.connect({ port }), destination);
  }

  get isOpen(): boolean {
    return this.client.isOpen;
  }

  get acked(): string[] {
    return this.outcomes.filter((o) => o.ackedAt !== undefined).map((o) => o.body);
  }

  /** Latest RECEIPT arrival, or undefined if none arrived yet. */
  get lastAckAt(): number | undefined {
    let t: number | undefined;
    for (const o of this.outcomes) if (o.ackedAt !== undefined && (t === undefined || o.ackedAt > t)) t = o.ackedAt;
    return t;
  }

  /** Sends a persistent message; resolves true on RECEIPT, false if the connection dies first. */
  send(body: string): Promise<boolean> {
    const outcome: SendOutcome = { body };
    this.outcomes.push(outcome);
    const receipt = `r-${++this.seq}`;
    const headers: Array<[string, string]> = [
      ["destination", this.destination],
      ["persistent", "true"],
      ["content-type", "text/plain"],
    ];
    return this.client.request("SEND", headers, receipt, Buffer.from(body)).then(
      () => {
        outcome.ackedAt = Date.now();
        return true;
      },
      () => false,
    );
  }

  /** Sends `bodies` one after another, each waiting for its receipt; stops at the first failure. */
  async sendSequential(bodies: string[]): Promise<number> {
    let n = 0;
    for (const b of bodies) {
      if (!(await this.send(b))) break;
      n++;
    }
    return n;
  }

  /** Pipelines `bodies` without waiting; resolves when every receipt arrived or failed. */
  async sendPipelined(bodies: string[]): Promise<number> {
    const results = await Promise.all(bodies.map((b) => this.send(b)));
    return results.filter(Boolean).length;
  }

  close(): void {
    this.client.destroy();
  }
}

/**
 * Consumes a queue until every `expected` body arrived and then `idleMs` passed without another
 * (so duplicates that follow are counted), or `timeoutMs` passed. Client-individual acks, each
 * with a receipt, so what was read is really removed before we disconnect.
 */
export async function drainQueue(
  port: number,
  destination: string,
  expected: Iterable<string>,
  opts: { idleMs?: number; timeoutMs?: number } = {},
): Promise<string[]> {
  const want = new Set(expected);
  const idleMs = opts.idleMs ?? 500;
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  const client = await RawStompClient.connect({ port });
  const got: string[] = [];
  let lastAt = Date.now();
  const acks: Promise<void>[] = [];
  client.onMessage = (f: StompFrame) => {
    const body = f.body.toString("utf8");
    got.push(body);
    want.delete(body);
    lastAt = Date.now();
    acks.push(new Promise<void>((resolve) => client.ack(f, `ack-${got.length}`, resolve)));
  };
  try {
    await client.subscribe(destination, "drain", "client-individual", 500);
    while (Date.now() < deadline && client.isOpen) {
      if (want.size === 0 && Date.now() - lastAt >= idleMs) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await Promise.race([Promise.all(acks), client.closed, new Promise((r) => setTimeout(r, 5_000))]);
  } finally {
    await client.disconnect();
  }
  return got;
}

/** True when a TCP connect to the port is refused (a slave keeps its STOMP port closed). */
export function portRefuses(port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ port, host: "127.0.0.1" });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      s.destroy();
      resolve(false);
    });
    s.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code === "ECONNREFUSED");
    });
  });
}

/** Counts of each body: duplicates > 1, missing ones absent. */
export function tally(bodies: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of bodies) m.set(b, (m.get(b) ?? 0) + 1);
  return m;
}

/** The acknowledged bodies that `consumed` lacks. */
export function missing(acked: Iterable<string>, consumed: string[]): string[] {
  const have = new Set(consumed);
  return [...acked].filter((b) => !have.has(b));
}
