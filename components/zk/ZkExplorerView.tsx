"use client";
import { useState, type ReactNode } from "react";
import { EnsembleStatus } from "./EnsembleStatus";
import { ZkNodePanel } from "./ZkNodePanel";
import { ZkTree } from "./ZkTree";

export function ZkExplorerView(): ReactNode {
  const [selected, setSelected] = useState("/");
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
