// A TCP forwarder that a test can partition: it sits between one broker node and the coordinator
// so that exactly that node's coordination link can be cut while every other link stays up.
import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * How a cut looks to the node:
 * - "blackhole": sockets stay open but no byte passes either way (a pulled cable, a dropped
 *   route). The node only learns of it from its own timeouts, as in a real partition.
 * - "reset": every connection is reset and new ones are refused at once (a dead host's kernel).
 */
export type CutMode = "blackhole" | "reset";

export interface TcpProxyOptions {
  targetHost?: string;
  targetPort: number;
  /** Listen port; 0 (default) = ephemeral. */
  port?: number;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
  /** Bytes from a blackholed pair are dropped; the pair is destroyed on restore (its stream has holes). */
  cut: boolean;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private mode: CutMode | null = null;
  /** Connections accepted since start (a reconnecting client shows up here). */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(o: TcpProxyOptions): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((socket) => proxy!.accept(socket));
    proxy = new TcpProxy(server, o.targetHost ?? "127.0.0.1", o.targetPort);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return proxy;
  }

  get port(): number {
    const a = this.server.address();
    if (a === null || typeof a === "string") throw new Error("proxy is not listening");
    return a.port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isCut(): boolean {
    return this.mode !== null;
  }

  /** Live client connections (forwarding or blackholed). */
  get connections(): number {
    return this.pairs.size;
  }

  /** Partitions every current connection and every new one until restore(). */
  cut(mode: CutMode = "blackhole"): void {
    this.mode = mode;
    for (const p of [...this.pairs]) {
      if (mode === "reset") this.drop(p, true);
      else p.cut = true;
    }
  }

  /** Heals the partition: blackholed connections are reset (bytes were lost), new ones forward. */
  restore(): void {
    this.mode = null;
    for (const p of [...this.pairs]) if (p.cut) this.drop(p, true);
  }

  async close(): Promise<void> {
    for (const p of [...this.pairs]) this.drop(p, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    client.on("error", () => undefined);
    if (this.mode === "reset") {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: null, cut: this.mode === "blackhole" };
    this.pairs.add(pair);
    client.on("close", () => this.drop(pair, false));
    client.on("data", (d: Buffer) => {
      if (!pair.cut) pair.upstream?.write(d);
    });
    // A connection accepted during a blackhole never reaches the target, like a SYN into the void
    // that happened to complete: the client waits for a handshake answer that never comes.
    if (pair.cut) return;
    const upstream = connect({ host: this.targetHost, port: this.targetPort });
    pair.upstream = upstream;
    upstream.on("error", () => undefined);
    upstream.on("data", (d: Buffer) => {
      if (!pair.cut) client.write(d);
    });
    upstream.on("close", () => {
      if (!pair.cut) this.drop(pair, false);
    });
    // Buffered client bytes written before the upstream connected are queued by net.Socket.
  }

  private drop(p: Pair, reset: boolean): void {
    if (!this.pairs.delete(p)) return;
    if (reset) {
      p.client.resetAndDestroy();
      p.upstream?.resetAndDestroy();
    } else {
      p.client.destroy();
      p.upstream?.destroy();
    }
  }
}
