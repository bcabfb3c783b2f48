import type { Socket } from "node:net";

/**
 * Writes made in one turn of the event loop leave in one system call: the socket is corked at
 * the turn's first write and uncorked on the next tick. A group commit or a dispatch pass answers
 * many requests in one turn (STOMP receipts and MESSAGEs, coordinator replies, RocketMQ answers);
 * uncorked, each would be its own write(2).
 */
export class TurnCork {
  private corked = false;

  constructor(private readonly socket: Socket) {}

  /** Before a write: corks the socket until the end of this turn, once per turn. */
  hold(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => this.release());
  }

  /** Uncorks now (before a close, so that what this turn wrote still goes out). */
  release(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }
}
