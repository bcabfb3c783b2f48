// Child process of the crash test: producers (and optionally a consumer) run against a broker
// until it is SIGKILLed, logging every client-visible fact as one line on stdout:
//   S <id>  about to send      R <id>  SEND receipted      D <id>  MESSAGE received
//   A <id>  ACK sent            K <id>  ACK receipted
// It runs in its own process so the kill moment is independent of the load's event loop, and it
// is never killed itself: it exits once every connection is gone, so no logged fact is lost.
// Usage: node --import tsx durabilityLoadChild.ts '<json LoadChildConfig>'
import { getHeader } from "../../server/runtime/stomp/StompFrame";
import { RawStompClient } from "./RawStompClient";

export interface LoadChildConfig {
  port: number;
  queue: string;
  producers: number;
  /** Sends outstanding without a RECEIPT per producer (1 = strict request/response). */
  window: number;
  /** Run a client-individual consumer that acks (with a receipt) every message it gets. */
  consume: boolean;
  /** Makes ids unique across iterations, so a stale message shows up as "unknown". */
  prefix: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as LoadChildConfig;
  let out = "";
  const log = (line: string): void => {
    if (out === "") setImmediate(flush);
    out += line + "\n";
  };
  const flush = (): void => {
    const text = out;
    out = "";
    if (text) process.stdout.write(text);
  };

  const tasks: Array<Promise<void>> = [];
  for (let p = 0; p < config.producers; p++) tasks.push(produce(config, p, log));
  if (config.consume) tasks.push(consume(config, log));
  await Promise.all(tasks);
  flush();
}

async function produce(config: LoadChildConfig, index: number, log: (l: string) => void): Promise<void> {
  const client = await RawStompClient.connect({ port: config.port });
  const body = Buffer.alloc(256, 0x62);
  let seq = 0;
  let outstanding = 0;
  let wake: (() => void) | null = null;
  void client.closed.then(() => wake?.());
  while (client.isOpen) {
    if (outstanding >= config.window || client.pendingBytes > 256 * 1024) {
      await new Promise<void>((r) => (wake = r));
      wake = null;
      continue;
    }
    const id = `${config.prefix}-p${index}-${++seq}`;
    log(`S ${id}`);
    outstanding++;
    client.frame(
      "SEND",
      [["destination", config.queue], ["persistent", "true"], ["x-id", id]],
      body,
      `r-${id}`,
      () => {
        log(`R ${id}`);
        outstanding--;
        wake?.();
      },
    );
    // Yield now and then so receipts are processed while the window is not yet full.
    if (seq % 16 === 0) await new Promise((r) => setImmediate(r));
  }
}

async function consume(config: LoadChildConfig, log: (l: string) => void): Promise<void> {
  const client = await RawStompClient.connect({ port: config.port });
  client.onMessage = (frame) => {
    const id = getHeader(frame, "x-id") ?? "?";
    log(`D ${id}`);
    log(`A ${id}`);
    client.ack(frame, `a-${id}`, () => log(`K ${id}`));
  };
  await client.subscribe(config.queue, "c", "client-individual", 200);
  await client.closed;
}

main().catch((err: unknown) => {
  // A broker killed during connect is part of the test, not a failure of the child.
  process.stderr.write(`load child: ${(err as Error).message}\n`);
  process.exitCode = 0;
});
