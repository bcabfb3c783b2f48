import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { eidOf, MEMBER_NAME, parseMemberData } from "../ha/memberData";
import { CoordinationClient } from "../zk/CoordinationClient";
import { GroupWatcher, type GroupMember as WatchedMember } from "../zk/GroupWatcher";
import { parseClientUri } from "./parseClientUri";

export interface ZkMasterDiscoveryOptions {
  connectString: string;
  /** The HA group's zkPath. */
  path: string;
  logger: Logger;
  sessionTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface MasterInfo {
  /** Elected member's eid, or null while none is elected. */
  eid: string | null;
  container: string | null;
  /** The master's STOMP URLs, normalised; empty until it has opened its listeners. */
  urls: string[];
}

export interface ZkMasterDiscoveryEvents {
  change: [MasterInfo];
}

/**
 * Finds a group's current master through the coordinator, as the group's own members do: the
 * lowest member znode is the elector and its `elected` field names the master, whose znode lists
 * the client URLs it serves (`clients`, published only once its listeners are open). Watches the
 * group and emits `change` whenever that answer changes, so a reconnecting client can stop
 * sleeping the moment a new master is ready instead of waiting out its back-off.
 */
export class ZkMasterDiscovery extends EventEmitter<ZkMasterDiscoveryEvents> {
  private current: MasterInfo = { eid: null, container: null, urls: [] };
  private key = "";

  private constructor(
    private readonly client: CoordinationClient,
    private readonly watcher: GroupWatcher,
  ) {
    super();
    watcher.on("snapshot", (snapshot) => this.update(snapshot));
    watcher.on("error", () => undefined); // the watcher resumes by itself after a reconnect
    this.update(watcher.snapshot);
  }

  static async start(o: ZkMasterDiscoveryOptions): Promise<ZkMasterDiscovery> {
    const client = await CoordinationClient.connect({
      connectString: o.connectString,
      sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
      connectTimeoutMs: o.connectTimeoutMs,
      logger: o.logger,
    });
    try {
      const watcher = await GroupWatcher.start({ client, path: o.path, logger: o.logger });
      return new ZkMasterDiscovery(client, watcher);
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  get master(): MasterInfo {
    return this.current;
  }

  async close(): Promise<void> {
    this.watcher.close();
    this.removeAllListeners();
    await this.client.close();
  }

  private update(snapshot: WatchedMember[]): void {
    const next = masterFromSnapshot(snapshot);
    const key = JSON.stringify(next);
    if (key === this.key) return;
    this.key = key;
    this.current = next;
    this.emit("change", next);
  }
}

/** Pure: the master a group snapshot names (elector = lowest member name, brokers.md §b1). */
export function masterFromSnapshot(snapshot: ReadonlyArray<{ name: string; data: Buffer | null }>): MasterInfo {
  const members = snapshot
    .filter((m) => MEMBER_NAME.test(m.name))
    .map((m) => ({ eid: eidOf(m.name), data: parseMemberData(m.data) }))
    .filter((m): m is { eid: string; data: NonNullable<typeof m.data> } => m.data !== null)
    .sort((a, b) => (a.eid < b.eid ? -1 : a.eid > b.eid ? 1 : 0));
  const elected = members[0]?.data.elected ?? null;
  const master = elected === null ? undefined : members.find((m) => m.eid === elected);
  if (!master) return { eid: elected, container: null, urls: [] };
  const urls: string[] = [];
  for (const c of master.data.clients ?? []) {
    if (!/^(stomp|tcp):/i.test(c)) continue; // ws:// listeners are not for this client
    try {
      urls.push(parseClientUri(c).endpoints[0]!.url);
    } catch {
      /* a malformed URL published by some other tool: skip it rather than fail discovery */
    }
  }
  return { eid: elected, container: master.data.container, urls };
}
