"use client";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { LiveServerToClientEvents } from "../server/console/LiveEvents";
import { liveCacheUpdate } from "./live/liveQueryUpdates";
import { useTRPC } from "./trpc";

export type LiveState = "connecting" | "live" | "offline";

/** Invalidations arriving this close together are applied once (a burst of polls is one refetch). */
const COALESCE_MS = 150;

/**
 * Connects to the console's socket.io channel and applies its typed messages to the query cache
 * (liveCacheUpdate): patches are written at once, invalidations are gathered for COALESCE_MS and
 * each stale query is refetched once.
 */
export function useLiveQueryCache(enabled: boolean): LiveState {
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    if (!enabled) return;
    const socket: Socket<LiveServerToClientEvents, {}> = io({ path: "/socket.io/", transports: ["websocket", "polling"] });
    const pending = new Map<string, QueryKey>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = (): void => {
      timer = null;
      const keys = [...pending.values()];
      pending.clear();
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
    };
    socket.on("connect", () => {
      setState("live");
      // Pushes are not replayed: whatever changed before this socket joined (between the page's
      // first fetch and now, or while it was disconnected) is caught up by refetching once.
      void queryClient.invalidateQueries();
    });
    socket.on("disconnect", () => setState("offline"));
    socket.on("connect_error", () => setState("offline"));
    socket.on("live", (msg) => {
      const update = liveCacheUpdate(trpc, msg);
      update.patch(queryClient);
      for (const key of update.invalidate) pending.set(JSON.stringify(key), key);
      timer ??= setTimeout(flush, COALESCE_MS);
    });
    return () => {
      if (timer !== null) clearTimeout(timer);
      socket.disconnect();
    };
  }, [enabled, queryClient, trpc]);
  return state;
}
