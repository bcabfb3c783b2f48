"use client";
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";

/** Lazily loaded znode tree: a node's children are fetched when it is expanded. */
export function ZkTree({ selected, onSelect }: { selected: string; onSelect: (path: string) => void }): ReactNode {
  return (
    <ul className="tree" data-testid="zk-tree">
      <TreeNode path="/" name="/" hasChildren selected={selected} onSelect={onSelect} initiallyOpen />
    </ul>
  );
}

function TreeNode(props: {
  path: string;
  name: string;
  hasChildren: boolean;
  ephemeral?: boolean;
  selected: string;
  onSelect: (path: string) => void;
  initiallyOpen?: boolean;
}): ReactNode {
  const [open, setOpen] = useState(props.initiallyOpen ?? false);
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.zk.children.queryOptions({ path: props.path }), enabled: open && props.hasChildren });
  return (
    <li>
      <span className={`treerow${props.selected === props.path ? " selected" : ""}`}>
        <button
          type="button"
          className="twisty"
          disabled={!props.hasChildren}
          onClick={() => setOpen(!open)}
          aria-label={open ? "collapse" : "expand"}
          data-testid={`zk-expand-${props.path}`}
        >
          {props.hasChildren ? (open ? "▾" : "▸") : "·"}
        </button>
        <button type="button" className="link" onClick={() => props.onSelect(props.path)} data-testid={`zk-node-${props.path}`}>
          {props.name}
        </button>
        {props.ephemeral === true && <span className="badge">eph</span>}
      </span>
      {open && q.error && <div className="error">{q.error.message}</div>}
      {open && q.data && (
        <ul>
          {q.data.children.map((c) => (
            <TreeNode
              key={c.path}
              path={c.path}
              name={c.name}
              hasChildren={c.numChildren === null || c.numChildren > 0}
              ephemeral={c.ephemeral}
              selected={props.selected}
              onSelect={props.onSelect}
            />
          ))}
        </ul>
      )}
    </li>
  );
}
