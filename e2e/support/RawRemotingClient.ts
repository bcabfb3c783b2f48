// A minimal RocketMQ remoting client for tests and the bench: sends one request, waits for the
// response with the same opaque. Uses the server's own codec for decoding only.
import { connect, type Socket } from "node:net";
import { encodeCommand, RemotingDecoder, type RemotingCommand } from "../../server/runtime/rocketmq/remotingCodec";

export class RawRemotingClient {
  private readonly pending = new Map<number, { done: (c: RemotingCommand) => void; fail: (e: Error) => void }>();
  private opaque = 1;
  private corked = false;
  readonly notifications: RemotingCommand[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    const decoder = new RemotingDecoder(64 * 1024 * 1024);
    socket.on("data", (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind !== "command") continue;
        const c = item.command;
        if ((c.flag & 1) === 0) {
          this.notifications.push(c);
          continue;
        }
        const waiter = this.pending.get(c.opaque);
        this.pending.delete(c.opaque);
        waiter?.done(c);
      }
    });
    socket.on("close", () => {
      this.closed = true;
      // Requests the server will never answer now fail at once (and free their timers).
      for (const w of this.pending.values()) w.fail(new Error("connection closed"));
      this.pending.clear();
    });
    socket.on("error", () => {});
  }

  static async connect(addr: string): Promise<RawRemotingClient> {
    const [host, port] = addr.split(":");
    const socket = connect(Number(port), host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawRemotingClient(socket);
  }

  request(code: number, extFields: Record<string, string | number | boolean> = {}, body: Buffer | null = null, timeoutMs = 20_000): Promise<RemotingCommand> {
    const opaque = this.opaque++;
    const ext: Record<string, string> = {};
    for (const [k, v] of Object.entries(extFields)) ext[k] = String(v);
    this.corkForTick();
    this.socket.write(encodeCommand({ code, opaque, flag: 0, extFields: ext, body, remark: null }));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(opaque);
        reject(new Error(`no response to request code ${code} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(opaque, {
        done: (c) => {
          clearTimeout(t);
          resolve(c);
        },
        fail: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
    });
  }

  /** Requests issued in one tick leave in one system call (pipelined load, as RawStompClient does). */
  private corkForTick(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  oneway(code: number, extFields: Record<string, string | number>): void {
    const ext: Record<string, string> = {};
    for (const [k, v] of Object.entries(extFields)) ext[k] = String(v);
    this.socket.write(encodeCommand({ code, opaque: this.opaque++, flag: 2, extFields: ext, body: null, remark: null }));
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}
