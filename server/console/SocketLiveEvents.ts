import type { Server } from "socket.io";
import { LIVE_EVENT, type LiveEvents, type LiveMessage } from "./LiveEvents";

/** Logged-in browsers join this room; nothing is pushed to unauthenticated sockets. */
export const VIEWERS_ROOM = "viewers";

/**
 * LiveEvents over socket.io. Created before the io server exists (services are built first), so
 * messages published before attach() are dropped: no browser can be connected yet anyway.
 */
export class SocketLiveEvents implements LiveEvents {
  private io: Server | undefined;

  attach(io: Server): void {
    this.io = io;
  }

  detach(): void {
    this.io = undefined;
  }

  publish(message: LiveMessage): void {
    this.io?.to(VIEWERS_ROOM).emit(LIVE_EVENT, message);
  }
}
