"use client";
import type { ReactNode } from "react";
import { useUrlState } from "../useUrlState";
import { EnsembleStatus } from "./EnsembleStatus";
import { ZkNodePanel } from "./ZkNodePanel";
import { ZkTree } from "./ZkTree";

export function ZkExplorerView(): ReactNode {
  // The selected path lives in the URL (?path=/a/b): a link opens the explorer at that znode.
  const [selected, setSelected] = useUrlState("path", "/");
  return (
    <section>
      <h1>ZooKeeper</h1>
      <EnsembleStatus />
      <div className="explorer">
        <ZkTree selected={selected} onSelect={setSelected} />
        <ZkNodePanel path={selected} onNavigate={setSelected} />
      </div>
    </section>
  );
}
