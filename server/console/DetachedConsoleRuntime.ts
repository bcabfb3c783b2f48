import type { ClusterStatus, ConsoleRuntime } from "./ConsoleRuntime";

/** The console without a cluster: nothing to start, watch or drain; the explorer may still use a coordinator given by TANDEM_ZK. */
export class DetachedConsoleRuntime implements ConsoleRuntime {
  readonly name = "detached";
  readonly cluster = null;
  readonly drains = null;

  constructor(private readonly zk?: string) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  zkConnectString(): string | undefined {
    return this.zk;
  }

  clusterStatus(): Promise<ClusterStatus | null> {
    return Promise.resolve(null);
  }

  setWatched(): void {
    // no pollers to speed up
  }
}
