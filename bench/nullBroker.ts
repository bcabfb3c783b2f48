// The load generator's ceiling: a STOMP server that stores nothing and does no work beyond the
// protocol — CONNECTED on CONNECT, RECEIPT at once, every SEND handed as a MESSAGE to the next
// subscriber (round robin; dropped when there is none). A broker figure close to this one is
// bounded by the generator (and the machine), not by the broker.
// Usage: node --import tsx bench/nullBroker.ts   → prints {"port":N} once listening; SIGTERM ends it.
import { createServer, type Socket } from "node:net";
import { encodeFrame } from "../server/runtime/stomp/encodeFrame";
import { getHeader, type StompHeaders } from "../server/runtime/stomp/StompFrame";
import { StompParser } from "../server/runtime/stomp/StompParser";

interface Subscriber {
  socket: Socket;
  id: string;
}

function startNullBroker(): void {
  const subscribers: Subscriber[] = [];
  let next = 0;
  let messageId = 0;
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const parser = new StompParser({ maxFrameSize: 16 * 1024 * 1024, maxHeaders: 1000, maxHeaderLineLength: 64 * 1024 });
    let corked = false;
    const write = (s: Socket, b: Buffer): void => {
      if (s === socket && !corked) {
        corked = true;
        socket.cork();
        process.nextTick(() => {
          corked = false;
          socket.uncork();
        });
      }
      s.write(b);
    };
    socket.on("data", (chunk: Buffer) => {
      for (const ev of parser.push(chunk)) {
        if (ev.kind === "error") {
          socket.destroy();
          return;
        }
        if (ev.kind !== "frame") continue;
        const f = ev.frame;
        if (f.command === "CONNECT" || f.command === "STOMP") {
          parser.version = "1.2";
          write(socket, encodeFrame("CONNECTED", [["version", "1.2"], ["heart-beat", "0,0"]], undefined, "1.2"));
          continue;
        }
        if (f.command === "SUBSCRIBE") subscribers.push({ socket, id: getHeader(f, "id") ?? "0" });
        if (f.command === "SEND" && subscribers.length > 0) {
          const sub = subscribers[next++ % subscribers.length]!;
          const headers: StompHeaders = [["subscription", sub.id], ["message-id", `m${++messageId}`]];
          for (const h of f.headers) if (h[0] !== "receipt") headers.push(h);
          write(sub.socket, encodeFrame("MESSAGE", headers, f.body, "1.2"));
        }
        const receipt = getHeader(f, "receipt");
        if (receipt !== undefined) write(socket, encodeFrame("RECEIPT", [["receipt-id", receipt]], undefined, "1.2"));
      }
    });
    const gone = (): void => {
      for (let i = subscribers.length - 1; i >= 0; i--) if (subscribers[i]!.socket === socket) subscribers.splice(i, 1);
    };
    socket.on("close", gone);
    socket.on("error", () => socket.destroy());
  });
  server.listen(0, "127.0.0.1", () => {
    const addr = server.address();
    process.stdout.write(JSON.stringify({ port: typeof addr === "object" && addr ? addr.port : 0 }) + "\n");
  });
  process.once("SIGTERM", () => process.exit(0));
}

if (process.argv[1]?.endsWith("nullBroker.ts")) startNullBroker();
