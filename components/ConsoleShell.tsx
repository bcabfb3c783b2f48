"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { withNext } from "./returnTo";
import { useTRPC } from "./trpc";
import { useLiveQueryCache } from "./useLiveQueryCache";
import { useMe } from "./useMe";

const NAV: Array<{ href: string; label: string; needs?: string }> = [
  { href: "/", label: "Overview" },
  { href: "/topology", label: "Topology" },
  { href: "/groups", label: "Groups" },
  { href: "/nodes", label: "Nodes" },
  { href: "/bridges", label: "Bridges" },
  { href: "/destinations", label: "Destinations" },
  { href: "/rocketmq", label: "RocketMQ" },
  { href: "/zookeeper", label: "ZooKeeper" },
  { href: "/events", label: "Events" },
  { href: "/alerts", label: "Alerts" },
  { href: "/audit", label: "Audit", needs: "audit.list" },
  { href: "/users", label: "Users", needs: "users.list" },
  { href: "/tokens", label: "API tokens", needs: "tokens.list" },
];

/** Layout of every logged-in page: nav, user, live-connection badge; sends strangers to /login. */
export function ConsoleShell({ children }: { children: ReactNode }): ReactNode {
  const { me, can, isLoading } = useMe();
  const router = useRouter();
  const pathname = usePathname();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useLiveQueryCache(me != null && !me.mustChangePassword);
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace("/login");
      },
    }),
  );

  useEffect(() => {
    // The page asked for travels along (?next=), so the visitor lands there after signing in.
    if (me === null) router.replace(withNext("/login"));
    else if (me?.mustChangePassword === true) router.replace(withNext("/change-password"));
  }, [me, router]);

  if (isLoading || me == null || me.mustChangePassword) return <div className="loading">Loading…</div>;
  return (
    <div className="shell">
      <nav className="nav" aria-label="main">
        <div className="brand">Tandem</div>
        {NAV.map((item) => {
          const allowed = item.needs === undefined || can(item.needs);
          const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return allowed ? (
            <Link key={item.href} href={item.href} className={active ? "active" : undefined} data-testid={`nav-${item.label.toLowerCase()}`}>
              {item.label}
            </Link>
          ) : (
            <span key={item.href} className="disabled" title={`needs more than the ${me.role} role`} data-testid={`nav-${item.label.toLowerCase()}`} aria-disabled="true">
              {item.label}
            </span>
          );
        })}
      </nav>
      <div className="main">
        <header className="topbar">
          <span className={`live ${live}`} data-testid="live-state">{live}</span>
          <span data-testid="whoami">
            {me.username} <span className="role">({me.role})</span>
          </span>
          <Link href="/change-password" data-testid="change-my-password">
            Change password
          </Link>
          <button type="button" onClick={() => logout.mutate()} data-testid="logout">
            Log out
          </button>
        </header>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
