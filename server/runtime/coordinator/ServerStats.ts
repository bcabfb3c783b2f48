// Server-wide counters behind srvr/stat/mntr (ZooKeeper's ServerStats + the ServerMetrics the
// coordinator really measures). Connections report into it as they go, so the numbers survive the
// connections that produced them and `srst` can reset them without touching per-connection stats.

/** A min/avg/max/count/sum summary, as ZooKeeper's AvgMinMaxCounter prints it in mntr. */
export class Summary {
  min = 0;
  max = 0;
  count = 0;
  sum = 0;

  add(v: number): void {
    if (this.count === 0 || v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.count++;
    this.sum += v;
  }

  avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  reset(): void {
    this.min = this.max = this.count = this.sum = 0;
  }
}

export class ServerStats {
  readonly startedAt = Date.now();
  packetsReceived = 0;
  packetsSent = 0;
  bytesReceived = 0;
  /** Client requests answered, by how long they took from arrival to reply (ms). */
  readonly latency = new Summary();
  /** Each group commit's write + fdatasync of the transaction log (ms). */
  readonly fsyncTime = new Summary();
  /** AuthPackets refused (unknown scheme). */
  authFailures = 0;
  /** Connections accepted on the client port, and those refused by maxClientCnxns. */
  connectionRequests = 0;
  connectionsRejected = 0;

  /** `srst` (ServerStats.reset): latency, packet and metric counters; not uptime nor auth failures (a ServerStats field reset() leaves alone). */
  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.bytesReceived = 0;
    this.latency.reset();
    this.fsyncTime.reset();
    this.connectionRequests = 0;
    this.connectionsRejected = 0;
  }
}
