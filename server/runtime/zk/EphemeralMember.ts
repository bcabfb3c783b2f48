import { EventEmitter } from "node:events";
import { posix } from "node:path";
import type { Logger } from "pino";
import type { ReconnectedEvent, SessionState } from "./CoordinationClient";
import type { CoordinationApi } from "./CoordinationApi";
import { CoordinationError, isCoordinationError } from "./CoordinationError";

/**
 * Keeps one ephemeral-sequential member znode (JSON data) registered for as long as it runs —
 * the membership half of the replicated-store election (brokers.md §b1): each node announces
 * `{id, address, position, ...}` under the group's members path and updates it in place.
 *
 * - A lost session deletes the znode with it: we emit "lost" at once (the node must assume it is
 *   no longer a candidate) and register again, with a new sequence number, on the next session.
 * - If someone deletes our znode while the session lives, we register again too.
 * - update() is a versioned setData, so a write can never resurrect stale data over a change
 *   made by another writer without us noticing (we re-read and log it).
 * - A create that fails with CONNECTION_LOSS may still have happened: before creating again we
 *   look for a child owned by our session with our data and adopt it, so a flaky link cannot
 *   leave a second, orphaned member of the same node that would count in elections.
 * All work runs through one queue, so registration, updates and close never interleave.
 */
export interface EphemeralMemberOptions {
  client: CoordinationApi;
  /** Path prefix of the member znode, e.g. "/tandem/groups/g1/members/member-". */
  prefix: string;
  data: unknown;
  logger: Logger;
}

export interface EphemeralMemberEvents {
  /** Node name (last path segment) of the member znode, after each (re-)registration. */
  registered: [string];
  /** The member znode is gone (session lost or node deleted); re-registration follows. */
  lost: [];
  error: [Error];
}

const MAX_CREATE_ATTEMPTS = 5;

export class EphemeralMember extends EventEmitter<EphemeralMemberEvents> {
  private readonly client: CoordinationApi;
  private readonly log: Logger;
  private readonly parent: string;
  private readonly prefixName: string;
  private payload: Buffer;
  private current: { path: string; version: number } | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly onState = (state: SessionState): void => {
    if (state === "lost") this.dropRegistration("coordination session lost");
  };

  private readonly onReconnected = (ev: ReconnectedEvent): void => {
    if (ev.newSession) this.dropRegistration("new coordination session");
    // A new session has none of our nodes; a resumed one still needs us if a registration failed.
    if (!this.closed && (ev.newSession || this.current === undefined)) void this.enqueue(() => this.register()).catch((err: unknown) => this.fail(err));
  };

  private constructor(private readonly opts: EphemeralMemberOptions) {
    super();
    this.client = opts.client;
    this.parent = posix.dirname(opts.prefix);
    this.prefixName = posix.basename(opts.prefix);
    this.payload = encode(opts.data);
    this.log = opts.logger.child({ component: "zk-member", prefix: opts.prefix });
  }

  /** Registers the member (creating parent nodes as needed) and keeps it registered. */
  static async start(opts: EphemeralMemberOptions): Promise<EphemeralMember> {
    const member = new EphemeralMember(opts);
    member.client.on("state", member.onState);
    member.client.on("reconnected", member.onReconnected);
    try {
      await member.enqueue(() => member.register());
    } catch (err) {
      await member.close();
      throw err;
    }
    return member;
  }

  /** Full path of the member znode, or null while it is not registered. */
  get path(): string | null {
    return this.current?.path ?? null;
  }

  /** Node name of the member znode (as listed by getChildren), or null while not registered. */
  get name(): string | null {
    return this.current ? posix.basename(this.current.path) : null;
  }

  /** Replaces the member data. While unregistered it is kept and used at the next registration. */
  update(data: unknown): Promise<void> {
    this.payload = encode(data);
    return this.enqueue(() => this.write());
  }

  /** Idempotent. Deletes the member znode (when the session still lives) and stops. */
  async close(): Promise<void> {
    if (this.closed) return this.queue.catch(() => undefined);
    this.closed = true;
    this.client.off("state", this.onState);
    this.client.off("reconnected", this.onReconnected);
    await this.enqueue(async () => {
      const cur = this.current;
      this.current = undefined;
      if (cur === undefined || this.client.state === "lost") return;
      await this.client.delete(cur.path).catch((err: unknown) => {
        if (!isCoordinationError(err) || !["NO_NODE", "SESSION_EXPIRED", "CLOSED", "CONNECTION_LOSS"].includes(err.code)) {
          throw err;
        }
      });
    }).catch((err: unknown) => this.log.warn({ err }, "could not delete member znode on close"));
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async register(): Promise<void> {
    if (this.closed || this.current !== undefined) return;
    await this.client.ensurePath(this.parent);
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return;
      try {
        const path = await this.client.create(this.opts.prefix, this.payload, "ephemeral_sequential");
        await this.adopt(path, 0);
        return;
      } catch (err) {
        if (isCoordinationError(err, "SESSION_EXPIRED")) return; // the next session registers again
        if (!isCoordinationError(err, "CONNECTION_LOSS") || attempt >= MAX_CREATE_ATTEMPTS) throw err;
        const orphan = await this.findOwnOrphan();
        if (orphan !== undefined) {
          await this.adopt(orphan.path, orphan.version);
          return;
        }
        this.log.warn({ attempt }, "member create lost with the connection and not applied; creating again");
      }
    }
  }

  /** A child created by our session with our prefix and exactly our data: our own lost create. */
  private async findOwnOrphan(): Promise<{ path: string; version: number } | undefined> {
    const session = this.client.sessionIdHex;
    const children = (await this.client.getChildren(this.parent)) ?? [];
    for (const name of children.filter((n) => n.startsWith(this.prefixName)).sort()) {
      const path = posix.join(this.parent, name);
      const got = await this.client.getData(path);
      if (got && got.stat.ephemeralOwner === session && got.data?.equals(this.payload)) {
        return { path, version: got.stat.version };
      }
    }
    return undefined;
  }

  private async adopt(path: string, version: number): Promise<void> {
    this.current = { path, version };
    await this.watchOwnNode(path);
    this.log.info({ path }, "member registered");
    this.emit("registered", posix.basename(path));
  }

  /** Arms a watch on our own znode so a deletion by someone else is noticed. */
  private async watchOwnNode(path: string): Promise<void> {
    const stat = await this.client.exists(path, (ev) => {
      if (this.closed || this.current?.path !== path || ev.type === "session_lost") return;
      if (ev.type === "deleted") {
        this.dropRegistration("member znode deleted");
        void this.enqueue(() => this.register()).catch((err: unknown) => this.fail(err));
      } else {
        // data_changed (our own updates included): re-arm, one-shot watches fire once.
        void this.watchOwnNode(path).catch((err: unknown) => this.softFail(err));
      }
    });
    if (stat === null && this.current?.path === path) {
      this.dropRegistration("member znode vanished");
      void this.enqueue(() => this.register()).catch((err: unknown) => this.fail(err));
    }
  }

  private async write(): Promise<void> {
    const cur = this.current;
    if (cur === undefined || this.closed) return;
    try {
      const stat = await this.client.setData(cur.path, this.payload, cur.version);
      cur.version = stat.version;
    } catch (err) {
      if (isCoordinationError(err, "SESSION_EXPIRED")) return; // re-registration writes the latest data
      if (isCoordinationError(err, "NO_NODE")) {
        this.dropRegistration("member znode deleted");
        await this.register();
        return;
      }
      if (!isCoordinationError(err, "BAD_VERSION") && !isCoordinationError(err, "CONNECTION_LOSS")) throw err;
      // BAD_VERSION: another writer touched our node. CONNECTION_LOSS: our write may have applied.
      // Either way, read what is there and converge on our data with the version we saw.
      const got = await this.client.getData(cur.path);
      if (got === null) {
        this.dropRegistration("member znode deleted");
        await this.register();
        return;
      }
      if (got.data?.equals(this.payload)) {
        cur.version = got.stat.version;
        return;
      }
      if (isCoordinationError(err, "BAD_VERSION")) {
        this.log.warn({ path: cur.path, expected: cur.version, found: got.stat.version }, "member znode changed by another writer; overwriting");
      }
      const stat = await this.client.setData(cur.path, this.payload, got.stat.version);
      cur.version = stat.version;
    }
  }

  private dropRegistration(reason: string): void {
    if (this.current === undefined) return;
    this.log.warn({ path: this.current.path, reason }, "member registration lost");
    this.current = undefined;
    this.emit("lost");
  }

  private fail(err: unknown): void {
    if (isCoordinationError(err, "SESSION_EXPIRED") || isCoordinationError(err, "CLOSED")) return;
    const e = err instanceof Error ? err : new CoordinationError("SYSTEM_ERROR", String(err));
    this.log.error({ err: e }, "member registration failed");
    if (this.listenerCount("error") > 0) this.emit("error", e);
  }

  private softFail(err: unknown): void {
    if (isCoordinationError(err, "SESSION_EXPIRED") || isCoordinationError(err, "CLOSED")) return;
    this.log.warn({ err }, "could not re-arm the watch on the member znode");
  }
}

function encode(data: unknown): Buffer {
  return Buffer.from(JSON.stringify(data), "utf8");
}
