import type { Server } from "socket.io";
import type { LiveEvents, LiveMessage, LiveServerToClientEvents } from "./LiveEvents";

/** Logged-in browsers join this room; nothing is pushed to unauthenticated sockets. */
export const VIEWERS_ROOM = "viewers";

/** The console's socket.io server, typed with the events it sends. */
export type LiveSocketServer = Server<{}, LiveServerToClientEvents>;

/**
 * LiveEvents over socket.io. Created before the io server exists (services are built first), so
 * messages published before attach() are dropped: no browser can be connected yet anyway.
 */
export class SocketLiveEvents implements LiveEvents {
  private io: LiveSocketServer | undefined;

  attach(io: LiveSocketServer): void {
    this.io = io;
  }

  detach(): void {
    this.io = undefined;
  }

  publish(message: LiveMessage): void {
    this.io?.to(VIEWERS_ROOM).emit("live", message);
  }
}
