import type { BrokerPolicy } from "../../config/clusterSchema";
import type { MemoryUsage } from "../broker/MemoryUsage";
import type { CloseReason } from "./CloseReason";
import type { StompParser } from "./StompParser";
import type { StompTransport } from "./StompTransport";

export interface ReadGuardOptions {
  parser: StompParser;
  transport: StompTransport;
  memory: MemoryUsage;
  policy: Pick<BrokerPolicy, "frameReadTimeout" | "inactivityTimeout">;
  /** Producer flow control holds the socket: nothing is read, so silence proves nothing. */
  flowPaused: () => boolean;
  /** True once connected without a client→server heart-beat (the heart-beat timer covers the rest). */
  idleCheckApplies: () => boolean;
  /** Ends the connection with an ERROR that says why. */
  fail: (reason: CloseReason, message: string) => void;
}

/**
 * What one connection's incoming side may cost the node:
 *  - the bytes of a frame still being received are charged to the node's MemoryUsage (a partial
 *    frame is memory like any message); while the node is at its limit and such frames hold at
 *    least half of it, reading stops (MemoryUsage.receivingFull);
 *  - a frame whose bytes stop arriving for frameReadTimeout is dropped (its buffer freed) — also
 *    when reading stopped for memory, so stalled partial frames cannot hold the limit forever;
 *  - a connection with no client heart-beat that sends nothing for inactivityTimeout is closed.
 */
export class ReadGuard {
  private charged = 0;
  /** Bytes of an incomplete message held below the parser (a WebSocket message being assembled). */
  private below = 0;
  private lastRead = Date.now();
  /** Reading paused because the node's memory is full while a frame is incomplete. */
  private blocked = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: ReadGuardOptions) {
    const { frameReadTimeout, inactivityTimeout } = o.policy;
    const shortest = Math.min(frameReadTimeout, inactivityTimeout || Infinity);
    this.timer = setInterval(() => this.check(), Math.max(50, Math.floor(shortest / 4)));
    this.timer.unref();
  }

  /** Bytes arrived (before they are parsed). */
  read(): void {
    this.lastRead = Date.now();
  }

  /** True while reading is stopped because the node is at its memory limit mid-frame. */
  get readingStopped(): boolean {
    return this.blocked;
  }

  /**
   * The transport holds `bytes` of a message it has not handed over yet (WebSocket: `ws`
   * assembles whole messages). Charged like a partial frame and timed out like one.
   */
  heldBelow(bytes: number): void {
    this.below = bytes;
    this.afterParse();
  }

  /** After a push: re-charge what the parser holds and stop reading if the node is out of memory. */
  afterParse(): void {
    if (this.stopped) return;
    const held = this.o.parser.bufferedBytes + this.below;
    if (held !== this.charged) {
      this.o.memory.receiving(held - this.charged);
      this.charged = held;
    }
    if (held === 0 || this.blocked || !this.o.memory.receivingFull()) return;
    this.blocked = true;
    this.o.transport.pause();
    this.o.memory.whenReceivingAvailable(() => {
      if (this.stopped || !this.blocked) return;
      this.blocked = false;
      this.lastRead = Date.now();
      if (!this.o.flowPaused()) this.o.transport.resume();
    });
  }

  /** The connection closed: give back the charge. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (this.charged > 0) this.o.memory.receiving(-this.charged);
    this.charged = 0;
  }

  private check(): void {
    if (this.stopped) return;
    if (this.o.flowPaused()) {
      // Not reading on purpose: silence proves nothing, and counting starts again on resume.
      this.lastRead = Date.now();
      return;
    }
    const silent = Date.now() - this.lastRead;
    const { frameReadTimeout, inactivityTimeout } = this.o.policy;
    const inFrame = this.o.parser.inFrame || this.below > 0;
    if (inFrame && silent > frameReadTimeout) {
      const why = this.blocked ? " (reading was paused: the node is at its memory limit)" : "";
      this.o.fail("frame_timeout", `Incomplete frame: no bytes for ${silent} ms (frameReadTimeout=${frameReadTimeout} ms)${why}`);
      return;
    }
    if (inactivityTimeout > 0 && !this.blocked && !inFrame && this.o.idleCheckApplies() && silent > inactivityTimeout) {
      this.o.fail(
        "inactivity_timeout",
        `Inactive: nothing received for ${silent} ms and no heart-beat negotiated (inactivityTimeout=${inactivityTimeout} ms)`,
      );
    }
  }
}
