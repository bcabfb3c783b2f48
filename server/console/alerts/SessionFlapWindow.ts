import type { EventEmitter } from "node:events";

/** Counts a coordinator session's state changes over a sliding window (the flapping alert's value). */
export class SessionFlapWindow {
  private readonly changes: number[] = [];
  private detach: (() => void) | null = null;

  constructor(private readonly windowMs = 10 * 60_000) {}

  /** Starts counting the `state` events of a coordination client. */
  watch(client: Pick<EventEmitter, "on" | "off">): void {
    this.detach?.();
    const onState = (): void => this.add(Date.now());
    client.on("state", onState);
    this.detach = () => client.off("state", onState);
  }

  add(at: number): void {
    this.changes.push(at);
  }

  count(now = Date.now()): number {
    while (this.changes.length > 0 && this.changes[0]! < now - this.windowMs) this.changes.shift();
    return this.changes.length;
  }

  close(): void {
    this.detach?.();
    this.detach = null;
  }
}
