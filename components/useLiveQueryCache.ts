"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { io } from "socket.io-client";
import type { LiveMessage } from "../server/console/LiveEvents";

export type LiveState = "connecting" | "live" | "offline";

/**
 * Connects to the console's socket.io channel and applies its messages to the query cache:
 * "invalidate" refetches every query under a tRPC path prefix, "setQueryData" writes one exact
 * query. tRPC query keys are [pathSegments, { input, type }] (@trpc/tanstack-react-query).
 */
export function useLiveQueryCache(enabled: boolean): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    if (!enabled) return;
    const socket = io({ path: "/socket.io/", transports: ["websocket", "polling"] });
    socket.on("connect", () => {
      setState("live");
      // Pushes are not replayed: whatever changed before this socket joined (between the page's
      // first fetch and now, or while it was disconnected) is caught up by refetching once.
      void queryClient.invalidateQueries();
    });
    socket.on("disconnect", () => setState("offline"));
    socket.on("connect_error", () => setState("offline"));
    socket.on("live", (msg: LiveMessage) => {
      if (msg.type === "invalidate") {
        const key = msg.input === undefined ? [msg.path] : [msg.path, { input: msg.input }];
        void queryClient.invalidateQueries({ queryKey: key });
      } else {
        queryClient.setQueryData([msg.path, { input: msg.input, type: "query" }], msg.data);
      }
    });
    return () => {
      socket.disconnect();
    };
  }, [enabled, queryClient]);
  return state;
}
