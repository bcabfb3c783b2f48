"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./trpc";

/** The logged-in user and a `can(path)` test against the procedures the server says are allowed. */
export function useMe(): {
  me: { username: string; role: string; allowed: string[]; mustChangePassword: boolean } | null | undefined;
  can: (procedurePath: string) => boolean;
  isLoading: boolean;
} {
  const trpc = useTRPC();
  const q = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 30_000 }));
  const me = q.data;
  return { me, can: (p) => me?.allowed.includes(p) ?? false, isLoading: q.isLoading };
}
