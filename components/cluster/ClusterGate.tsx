"use client";
import type { ReactNode } from "react";

/** Loading / error / "no cluster attached" for every cluster page (the error text is escaped by React). */
export function ClusterGate({ isLoading, error, children }: { isLoading: boolean; error: { message: string; data?: { reason?: string | null } | null } | null; children: () => ReactNode }): ReactNode {
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error) {
    if (error.data?.reason === "NO_CLUSTER") {
      return (
        <p className="notice" data-testid="no-cluster">
          No cluster attached. Start the console with the embedded cluster (`tandem console`) or attach one with --zk.
        </p>
      );
    }
    return <p className="error" data-testid="cluster-error">{error.message}</p>;
  }
  return children();
}
