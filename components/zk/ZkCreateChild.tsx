"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";

type Mode = "persistent" | "persistent_sequential" | "ephemeral" | "ephemeral_sequential" | "container";

const MODE_HELP: Record<Mode, string> = {
  persistent: "stays until deleted",
  persistent_sequential: "stays until deleted; the server appends a 10-digit sequence number to the name",
  ephemeral: "owned by this console's coordinator session: it disappears when the console stops or loses its session",
  ephemeral_sequential:
    "owned by this console's coordinator session (it disappears when the console stops or loses its session); the server appends a sequence number",
  container: "the server deletes it by itself once it has had children and the last one is gone",
};

/** Create a child znode in any of ZooKeeper's modes, saying what each mode means. */
export function ZkCreateChild({ parent, disabled, why }: { parent: string; disabled: boolean; why?: string }): ReactNode {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [data, setData] = useState("");
  const [mode, setMode] = useState<Mode>("persistent");
  const [message, setMessage] = useState<string | null>(null);
  const create = useMutation(
    trpc.zk.create.mutationOptions({
      onSuccess: (r) => {
        setMessage(
          r.ephemeralOwner === null
            ? `created ${r.path}`
            : `created ${r.path}, ephemeral: owned by this console's session ${r.ephemeralOwner}; it goes when the console stops or loses that session`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.zk.pathKey() });
      },
      onError: (err) => setMessage(`create failed: ${err.message}`),
    }),
  );
  return (
    <fieldset disabled={disabled} title={why}>
      <legend>Create child</legend>
      <input placeholder="name" value={name} onChange={(e) => setName(e.target.value)} data-testid="zk-child-name" />
      <input placeholder="data (text)" value={data} onChange={(e) => setData(e.target.value)} data-testid="zk-child-data" />
      <select value={mode} onChange={(e) => setMode(e.target.value as Mode)} data-testid="zk-child-mode">
        {(Object.keys(MODE_HELP) as Mode[]).map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={name === ""}
        onClick={() => create.mutate({ path: `${parent === "/" ? "" : parent}/${name}`, data, encoding: "text", mode })}
        data-testid="zk-create"
      >
        Create
      </button>
      <p className="muted" data-testid="zk-child-mode-help">
        {mode}: {MODE_HELP[mode]}
      </p>
      {message !== null && (
        <p className="message" data-testid="zk-create-message">
          {message}
        </p>
      )}
    </fieldset>
  );
}
