import type { Logger } from "pino";
import type { Broker } from "../broker/Broker";
import { ReconnectSchedule } from "../client/ReconnectSchedule";
import { StompClient } from "../client/StompClient";
import type { CoordinationClient } from "../zk/CoordinationClient";
import type { BridgeSpec } from "../../config/resolveNetworkConnectors";
import { newCounters, type BridgeCounters } from "./BridgeCounters";
import { BridgeSession } from "./BridgeSession";
import { RemoteMaster } from "./RemoteMaster";

export type BridgeState = "connecting" | "running" | "error" | "stopped";

/** A bridge as the admin API reports it (typed contract with the console). */
export interface BridgeView {
  name: string;
  localGroup: string;
  localNode: string;
  remoteGroup: string | null;
  /** How the remote is found: its election path, or the configured URIs. */
  remoteEndpoints: string[];
  remoteZkPath: string | null;
  /** The remote master this bridge is connected (or connecting) to. */
  remoteMaster: string | null;
  state: BridgeState;
  /** What is wrong (error), what is being tried (connecting), or where it runs (running). */
  stateText: string;
  lastStateChange: number;
  /** When the next connection attempt is due (error / connecting while backing off). */
  nextAttemptAt: number | null;
  counters: BridgeCounters;
  networkSubscriptions: number;
  demand: Array<{ destination: string; consumers: number }>;
  settings: { duplex: boolean; messageTTL: number; consumerTTL: number; conduitSubscriptions: boolean; prefetchSize: number; decreaseNetworkConsumerPriority: boolean; replayWhenNoConsumers: boolean };
}

export interface NetworkBridgeOptions {
  spec: BridgeSpec;
  localGroup: string;
  localNode: string;
  broker: Broker;
  /** The node's coordinator session, when it has one: the bridge follows the remote election through it. */
  zk: CoordinationClient | null;
  /** Remote groups the local group bridges to directly (all its bridges). */
  directGroups: ReadonlySet<string>;
  logger: Logger;
}

/**
 * One network connector's bridge, run by the local group's master. It owns the connection loop:
 * find the remote master, connect within handshakeTimeout (heart-beats on both sides catch a peer
 * that goes silent later), run a BridgeSession until the connection drops or the remote group
 * elects someone else, then back off (SimpleDiscoveryAgent: a connection that lived less than
 * minConnectTime counts as a failure) — woken early when the remote group elects a new master.
 * Every state change is logged and kept with its reason; nothing here can throw out of the loop.
 */
export class NetworkBridge {
  private state: BridgeState = "connecting";
  private stateText = "starting";
  private lastStateChange = Date.now();
  private nextAttemptAt: number | null = null;
  private readonly counters = newCounters();
  private session: BridgeSession | null = null;
  private currentUrl: string | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly remote: RemoteMaster;
  private readonly log: Logger;
  private loop: Promise<void> | null = null;
  private sessionEnded: ((reason: string) => void) | null = null;

  constructor(private readonly o: NetworkBridgeOptions) {
    this.log = o.logger.child({ bridge: o.spec.name, remoteGroup: o.spec.remote.group });
    this.remote = new RemoteMaster(o.spec.remote, o.zk, this.log);
    this.remote.on("change", () => {
      // A new master elected: stop sleeping, and leave a master that is no longer the one.
      if (this.currentUrl !== null && this.sessionEnded && !this.remote.stillCurrent(this.currentUrl)) {
        this.sessionEnded(`remote group elected another master`);
      }
      this.wake?.();
    });
  }

  get name(): string {
    return this.o.spec.name;
  }

  start(): void {
    this.loop = this.run().catch((err: unknown) => {
      // Unreachable by design; if it happens the bridge must say so rather than vanish.
      this.setState("error", `bridge loop failed: ${(err as Error).message}`);
      this.log.error({ err }, "network bridge loop failed");
    });
  }

  async stop(reason = "stopped"): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.sessionEnded?.(reason);
    this.wake?.();
    this.remote.close();
    // A demotion waits for this: the session ends at once (its network subscriptions go on the
    // next microtask), but a connect attempt in progress may take up to handshakeTimeout, and it
    // closes itself when it sees `stopped`. So wait briefly, never for the handshake.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((r) => (timer = setTimeout(r, 500)))]);
    clearTimeout(timer);
    this.setState("stopped", reason);
  }

  /** Drops the current connection and reconnects at once (the console's restart action). */
  restart(): void {
    this.log.info("bridge restart requested");
    this.sessionEnded?.("restart requested");
    this.nextAttemptAt = null;
    this.wake?.();
  }

  view(): BridgeView {
    const s = this.o.spec.settings;
    const sv = this.session?.view() ?? { subscriptions: 0, demand: [] };
    return {
      name: this.o.spec.name,
      localGroup: this.o.localGroup,
      localNode: this.o.localNode,
      remoteGroup: this.o.spec.remote.group,
      remoteEndpoints: this.o.spec.remote.urls,
      remoteZkPath: this.o.spec.remote.zkPath,
      remoteMaster: this.currentUrl,
      state: this.state,
      stateText: this.stateText,
      lastStateChange: this.lastStateChange,
      nextAttemptAt: this.nextAttemptAt,
      counters: { ...this.counters },
      networkSubscriptions: sv.subscriptions,
      demand: sv.demand,
      settings: {
        duplex: s.duplex,
        messageTTL: s.messageTTL,
        consumerTTL: s.consumerTTL,
        conduitSubscriptions: s.conduitSubscriptions,
        prefetchSize: s.prefetchSize,
        decreaseNetworkConsumerPriority: s.decreaseNetworkConsumerPriority,
        replayWhenNoConsumers: s.replayWhenNoConsumers,
      },
    };
  }

  private setState(state: BridgeState, text: string): void {
    if (state === this.state && text === this.stateText) return;
    const prev = this.state;
    this.state = state;
    this.stateText = text;
    this.lastStateChange = Date.now();
    const entry = { state, previous: prev, reason: text, remoteMaster: this.currentUrl };
    if (state === "error") this.log.warn(entry, "bridge error");
    else if (state === "running") this.log.info(entry, "bridge up");
    else if (prev === "running") this.log.warn(entry, "bridge down");
    else this.log.info(entry, "bridge state");
  }

  private sleep(ms: number): Promise<void> {
    this.nextAttemptAt = Date.now() + ms;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = null;
      this.nextAttemptAt = null;
    });
  }

  private async run(): Promise<void> {
    const s = this.o.spec.settings;
    const schedule = new ReconnectSchedule({
      initialReconnectDelay: s.initialReconnectDelay,
      maxReconnectDelay: s.maxReconnectDelay,
      useExponentialBackOff: s.useExponentialBackOff,
      backOffMultiplier: s.backOffMultiplier,
    });
    try {
      await this.remote.start();
    } catch (err) {
      // Without the watch the bridge falls back on the configured URIs (RemoteMaster.next).
      this.log.warn({ err: (err as Error).message }, "cannot watch the remote group's election");
    }
    while (!this.stopped) {
      const url = this.remote.next();
      if (url === null) {
        this.currentUrl = null;
        this.setState("connecting", `waiting for group ${this.o.spec.remote.group ?? "?"} to elect a master`);
        await this.sleep(s.maxReconnectDelay);
        continue;
      }
      this.currentUrl = url;
      this.setState(this.state === "error" ? "error" : "connecting", this.state === "error" ? this.stateText : `connecting to ${url}`);
      let client: StompClient;
      try {
        const u = new URL(url.replace(/^stomp:/, "http:"));
        client = await StompClient.connect({
          host: u.hostname,
          port: Number(u.port),
          login: s.login,
          passcode: s.passcode,
          heartBeat: [s.idleTimeout, s.idleTimeout],
          connectTimeoutMs: s.handshakeTimeout,
          clientId: `bridge:${this.o.localGroup}:${this.o.spec.name}`,
        });
      } catch (err) {
        this.counters.failures++;
        this.remote.failed(url);
        const delay = schedule.failedRound();
        this.setState("error", `cannot connect to ${url}: ${(err as Error).message} (retry in ${delay} ms)`);
        await this.sleep(delay);
        continue;
      }
      if (this.stopped) {
        client.close();
        break;
      }
      const connectedAt = Date.now();
      const reason = await this.runSession(client, url);
      const lived = Date.now() - connectedAt;
      if (this.stopped) break;
      if (lived < s.minConnectTime) {
        this.counters.failures++;
        const delay = schedule.failedRound();
        this.setState("error", `${reason} after ${lived} ms (retry in ${delay} ms)`);
        await this.sleep(delay);
      } else {
        schedule.reset();
        this.setState("connecting", `${reason}; reconnecting`);
        // A dropped master is usually replaced within the remote's session timeout: the election
        // wakes this sleep, the delay only bounds it.
        if (this.remote.stillCurrent(url) && reason !== "restart requested") await this.sleep(s.initialReconnectDelay);
      }
    }
  }

  /** Runs one session until its connection ends; resolves with the reason. */
  private async runSession(client: StompClient, url: string): Promise<string> {
    const ended = new Promise<string>((resolve) => {
      this.sessionEnded = resolve;
      client.once("close", (err) => resolve(err ? `connection to ${url} lost: ${err.message}` : `connection to ${url} closed`));
    });
    const session = new BridgeSession({
      name: this.o.spec.name,
      client,
      broker: this.o.broker,
      localGroup: this.o.localGroup,
      remoteGroup: this.o.spec.remote.group ?? `remote:${this.o.spec.name}`,
      settings: this.o.spec.settings,
      counters: this.counters,
      directGroups: this.o.directGroups,
      neighbours: this.o.spec.neighbours,
      logger: this.log,
    });
    this.session = session;
    try {
      await session.start();
      this.counters.connects++;
      this.setState("running", `forwarding to ${url} (session ${client.session || "?"})`);
      return await ended;
    } catch (err) {
      return `session start failed: ${(err as Error).message}`;
    } finally {
      this.sessionEnded = null;
      this.session = null;
      session.dispose();
    }
  }
}
