import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";

/**
 * ZooKeeper's Prometheus endpoint (`metricsProvider.httpPort`, default 7000 there): GET /metrics
 * answers the coordinator's numbers under ZooKeeper's names. Like ZooKeeper's it has no
 * authentication, so it is off unless a port is given and binds loopback unless told otherwise;
 * it serves aggregate counters only (no znode data, no session ids).
 */
export class MetricsListener {
  private server: Server | null = null;

  constructor(
    private readonly render: () => Promise<string>,
    private readonly logger: Logger,
  ) {}

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain" }).end("GET /metrics\n");
        return;
      }
      this.render().then(
        (text) => res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(text),
        (err: unknown) => {
          this.logger.error({ err }, "metrics scrape failed");
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const bound = (server.address() as AddressInfo).port;
    this.logger.info({ service: "coordinator", host, port: bound }, "Prometheus metrics listening on /metrics");
    return bound;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
