"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { ConfirmByName } from "./ConfirmByName";

type Panel = null | "send" | "move" | "purge" | "delete";

/**
 * Operator actions on one destination. Buttons are greyed out when `auth.me` says the caller may
 * not run the procedure; the server refuses regardless.
 */
export function DestinationActions({ group, name, kind, retryTarget, selectedId }: { group: string; name: string; kind: string; retryTarget: string | null; selectedId: string | null }): ReactNode {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const [panel, setPanel] = useState<Panel>(null);
  const [result, setResult] = useState<string | null>(null);
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: trpc.destinations.pathKey() });
  const purge = useMutation(
    trpc.destinations.purge.mutationOptions({
      onSuccess: (r) => {
        setResult(`Purged ${r.purged} message(s) from ${r.destination} on ${r.node}.`);
        setPanel(null);
        refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.destinations.delete.mutationOptions({
      onSuccess: () => {
        refresh();
        router.push("/destinations");
      },
    }),
  );
  const isQueue = kind === "queue";
  const button = (p: Exclude<Panel, null>, label: string, proc: string, enabled = true, danger = false): ReactNode => (
    <button
      type="button"
      className={danger ? "danger" : undefined}
      disabled={!can(proc) || !enabled}
      title={can(proc) ? undefined : "needs the operator role"}
      onClick={() => (setResult(null), purge.reset(), remove.reset(), setPanel(panel === p ? null : p))}
      data-testid={`action-${p}`}
    >
      {label}
    </button>
  );
  return (
    <div>
      <div className="toolbar">
        {button("send", "Send test message", "destinations.send")}
        {button("move", retryTarget !== null ? "Retry / move" : "Move / copy", "destinations.move", isQueue)}
        {button("purge", "Purge", "destinations.purge", isQueue, true)}
        {button("delete", "Delete", "destinations.delete", true, true)}
      </div>
      {result !== null && (
        <p className="result" data-testid="action-result">
          {result}
        </p>
      )}
      {panel === "send" && <SendForm group={group} name={name} onSent={(r) => (setResult(r), refresh())} />}
      {panel === "move" && <MoveForm group={group} name={name} retryTarget={retryTarget} selectedId={selectedId} onMoved={(r) => (setResult(r), refresh())} />}
      {panel === "purge" && (
        <ConfirmByName
          name={name}
          action="Purge"
          detail="Every waiting message of this queue is removed. Messages in flight stay with their consumers. This cannot be undone."
          busy={purge.isPending}
          error={purge.error?.message ?? null}
          onConfirm={(typed) => purge.mutate({ group, name, confirmName: typed })}
          onCancel={() => setPanel(null)}
          testId="purge-dialog"
        />
      )}
      {panel === "delete" && (
        <ConfirmByName
          name={name}
          action="Delete"
          detail="The destination and its waiting messages are removed. Refused while consumers or durable subscriptions use it."
          busy={remove.isPending}
          error={remove.error?.message ?? null}
          onConfirm={(typed) => remove.mutate({ group, name, confirmName: typed })}
          onCancel={() => setPanel(null)}
          testId="delete-dialog"
        />
      )}
    </div>
  );
}

function SendForm({ group, name, onSent }: { group: string; name: string; onSent: (summary: string) => void }): ReactNode {
  const trpc = useTRPC();
  const [headers, setHeaders] = useState("");
  const [body, setBody] = useState("");
  const [persistent, setPersistent] = useState(true);
  const [headerError, setHeaderError] = useState<string | null>(null);
  const send = useMutation(trpc.destinations.send.mutationOptions({ onSuccess: (r) => onSent(`Sent ${r.id} to ${r.destination} on ${r.node} (${r.persistent ? "persistent" : "non-persistent"}).`) }));
  return (
    <form
      className="dest-form"
      data-testid="send-form"
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parseHeaderLines(headers);
        if (typeof parsed === "string") return setHeaderError(parsed);
        setHeaderError(null);
        send.mutate({ group, name, headers: parsed, body, persistent });
      }}
    >
      <label>
        <span>
          Headers (one <code>name: value</code> a line)
        </span>
        <textarea rows={3} value={headers} onChange={(e) => setHeaders(e.target.value)} data-testid="send-headers" />
      </label>
      <label>
        Body
        <textarea rows={5} value={body} onChange={(e) => setBody(e.target.value)} data-testid="send-body" />
      </label>
      <div className="row">
        <label style={{ flexDirection: "row", alignItems: "center" }}>
          <input type="checkbox" checked={persistent} onChange={(e) => setPersistent(e.target.checked)} data-testid="send-persistent" /> persistent
        </label>
        <button type="submit" disabled={send.isPending} data-testid="send-submit">
          Send
        </button>
      </div>
      {headerError !== null && <p className="error">{headerError}</p>}
      {send.error && <p className="error" data-testid="send-error">{send.error.message}</p>}
    </form>
  );
}

/** "a: 1\nb: two" → { a: "1", b: "two" }, or the reason it is not headers. Exported for tests. */
export function parseHeaderLines(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return `line ${i + 1}: expected "name: value"`;
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

function MoveForm({ group, name, retryTarget, selectedId, onMoved }: { group: string; name: string; retryTarget: string | null; selectedId: string | null; onMoved: (summary: string) => void }): ReactNode {
  const trpc = useTRPC();
  const [to, setTo] = useState(retryTarget ?? "");
  const [mode, setMode] = useState<"one" | "selector" | "all">(selectedId !== null ? "one" : "all");
  const [selector, setSelector] = useState("");
  const [copy, setCopy] = useState(false);
  const move = useMutation(trpc.destinations.move.mutationOptions({ onSuccess: (r) => onMoved(`${r.copied ? "Copied" : "Moved"} ${r.moved} message(s) from ${r.from} to ${r.to}.`) }));
  const ready = to.trim() !== "" && (mode !== "one" || selectedId !== null) && (mode !== "selector" || selector.trim() !== "");
  return (
    <form
      className="dest-form"
      data-testid="move-form"
      onSubmit={(e) => {
        e.preventDefault();
        move.mutate({
          group,
          name,
          to: to.trim(),
          copy,
          ...(mode === "one" ? { messageIds: [selectedId!] } : mode === "selector" ? { selector } : { all: true as const }),
        });
      }}
    >
      <div className="row">
        <label>
          To
          <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="/queue/orders" data-testid="move-to" />
        </label>
        <label>
          Which
          <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)} data-testid="move-mode">
            <option value="one" disabled={selectedId === null}>
              the selected message
            </option>
            <option value="selector">those matching a selector</option>
            <option value="all">all waiting messages</option>
          </select>
        </label>
        {mode === "selector" && (
          <label>
            Selector
            <input value={selector} onChange={(e) => setSelector(e.target.value)} data-testid="move-selector" />
          </label>
        )}
        <label style={{ flexDirection: "row", alignItems: "center" }}>
          <input type="checkbox" checked={copy} onChange={(e) => setCopy(e.target.checked)} data-testid="move-copy" /> copy (keep the originals)
        </label>
        <button type="submit" disabled={!ready || move.isPending} data-testid="move-submit">
          {copy ? "Copy" : retryTarget !== null && to.trim() === retryTarget ? "Retry" : "Move"}
        </button>
      </div>
      {move.error && <p className="error" data-testid="move-error">{move.error.message}</p>}
    </form>
  );
}
