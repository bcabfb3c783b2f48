import type { Logger } from "pino";
import type { CoordinationApi } from "../zk/CoordinationApi";
import { parseRegistration, type BrokerRegistration, type RouteSource } from "./BrokerRegistration";

/** RouteInfoManager.BROKER_CHANNEL_EXPIRED_TIME. */
export const REGISTRATION_EXPIRED_MS = 120_000;
const CACHE_MS = 500;

/**
 * Routes from the coordinator: each master keeps an ephemeral znode under `path` (so a closed
 * session drops it at once, as a NameServer drops a broker whose channel closes) and renews it
 * every 30 s; one not renewed for 120 s is ignored, as RocketMQ's scan would expire it. Any node
 * can answer, so several NameServer addresses all agree. Of two registrations of one brokerName
 * (the old master's session not yet expired after a failover) the later-created one wins.
 */
export class ZkRouteSource implements RouteSource {
  private cache: { at: number; regs: BrokerRegistration[] } | null = null;
  private inflight: Promise<BrokerRegistration[]> | null = null;
  /** child → (data version, when this NameServer saw that version first). */
  private readonly seen = new Map<string, { version: number; at: number }>();

  constructor(
    private readonly client: () => CoordinationApi | null,
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  registrations(): Promise<BrokerRegistration[]> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return Promise.resolve(this.cache.regs);
    if (!this.inflight) {
      this.inflight = this.load().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async load(): Promise<BrokerRegistration[]> {
    const zk = this.client();
    if (!zk) return [];
    const children = (await zk.getChildren(this.path)) ?? [];
    const now = Date.now();
    const latest = new Map<string, { seq: string; reg: BrokerRegistration }>();
    for (const child of children.sort()) {
      const got = await zk.getData(`${this.path}/${child}`);
      if (!got) continue;
      const reg = parseRegistration(got.data);
      if (!reg) {
        this.logger.warn({ znode: `${this.path}/${child}` }, "ignoring an unreadable RocketMQ broker registration");
        continue;
      }
      const s = this.seen.get(child);
      if (!s || s.version !== got.stat.version) this.seen.set(child, { version: got.stat.version, at: now });
      else if (now - s.at > REGISTRATION_EXPIRED_MS) continue;
      const seq = child.slice(child.lastIndexOf("-") + 1);
      const cur = latest.get(reg.brokerName);
      if (!cur || seq > cur.seq) latest.set(reg.brokerName, { seq, reg });
    }
    for (const k of this.seen.keys()) if (!children.includes(k)) this.seen.delete(k);
    const regs = [...latest.values()].map((x) => x.reg);
    this.cache = { at: Date.now(), regs };
    return regs;
  }
}
