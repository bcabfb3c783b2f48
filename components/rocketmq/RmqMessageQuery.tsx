"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/api/root";
import { MessageBodyView } from "../destinations/MessageBodyView";
import { Time } from "../Time";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";

type Msg = inferRouterOutputs<AppRouter>["rocketmq"]["messages"]["messages"][number];

/** Message query by id or key, each hit with its properties and (for those allowed) its body; resend to a consumer group. */
export function RmqMessageQuery({ consumerGroups }: { consumerGroups: string[] }): ReactNode {
  const trpc = useTRPC();
  const [by, setBy] = useState<"id" | "key">("key");
  const [text, setText] = useState("");
  const [topic, setTopic] = useState("");
  const [asked, setAsked] = useState<{ id?: string; key?: string; topic?: string } | null>(null);
  const q = useQuery({ ...trpc.rocketmq.messages.queryOptions(asked ?? {}), enabled: asked !== null });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const v = text.trim();
    if (v === "") return;
    setAsked({ [by]: v, ...(topic.trim() ? { topic: topic.trim() } : {}) });
  };
  return (
    <>
      <h2>Messages</h2>
      <form onSubmit={submit} data-testid="rmq-query">
        <select value={by} onChange={(e) => setBy(e.target.value as "id" | "key")} data-testid="rmq-query-by">
          <option value="key">by key</option>
          <option value="id">by message id</option>
        </select>{" "}
        <input value={text} onChange={(e) => setText(e.target.value)} placeholder={by === "id" ? "offset message id (32 hex digits) or the producer's id" : "message key"} maxLength={1000} data-testid="rmq-query-text" />{" "}
        <input value={topic} onChange={(e) => setTopic(e.target.value)} placeholder="topic (optional)" maxLength={127} data-testid="rmq-query-topic" />{" "}
        <button type="submit" data-testid="rmq-query-submit">Find</button>
      </form>
      {q.error ? <p className="error" data-testid="rmq-query-error">{q.error.message}</p> : null}
      {q.data && q.data.messages.length === 0 ? <p className="muted" data-testid="rmq-query-none">No message found (retention may have removed it).</p> : null}
      {q.data?.messages.map((m) => <MessageCard key={m.msgId} m={m} consumerGroups={consumerGroups} />)}
    </>
  );
}

function MessageCard({ m, consumerGroups }: { m: Msg; consumerGroups: string[] }): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const [group, setGroup] = useState(consumerGroups[0] ?? "");
  const resend = useMutation(trpc.rocketmq.resend.mutationOptions());
  const allowed = can("rocketmq.resend");
  return (
    <div className="card" data-testid="rmq-message">
      <p>
        <code data-testid="rmq-message-id">{m.msgId}</code> on {m.topic} ({m.brokerName} queue {m.queueId} offset {m.queueOffset}), stored <Time at={m.storeTimestamp} />, born <Time at={m.bornTimestamp} /> at {m.bornHost}
        {m.reconsumeTimes > 0 ? `, reconsumed ${m.reconsumeTimes} times` : ""}
      </p>
      <table>
        <tbody>
          {m.properties.map(([k, v]) => (
            <tr key={k}><th>{k}</th><td>{v}</td></tr>
          ))}
        </tbody>
      </table>
      {m.bodyWithheld ? (
        <p className="muted" data-testid="rmq-body-withheld">Body ({m.bodySize} bytes) withheld: you may not read message bodies; an admin can allow it.</p>
      ) : (
        <MessageBodyView bodyBase64={m.bodyBase64} truncated={false} bodySize={m.bodySize} encoding={looksText(m.bodyBase64) ? "utf-8" : "binary"} />
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (group) resend.mutate({ id: m.msgId, consumerGroup: group });
        }}
      >
        <label>
          Resend to{" "}
          <input list="rmq-consumer-groups" value={group} onChange={(e) => setGroup(e.target.value)} maxLength={127} data-testid="rmq-resend-group" />
          <datalist id="rmq-consumer-groups">
            {consumerGroups.map((g) => <option key={g} value={g} />)}
          </datalist>
        </label>{" "}
        <button type="submit" disabled={!allowed || resend.isPending || !group} title={allowed ? undefined : "needs the operator role"} data-testid="rmq-resend-submit">Resend</button>
        <span className="muted"> — a copy goes to the group&apos;s %RETRY% topic, which every member of a clustering group consumes and hands to its handler for the original topic (not RocketMQ&apos;s consumeMessageDirectly; broadcasting groups do not read retry topics).</span>
      </form>
      {resend.error ? <p className="error" data-testid="rmq-resend-error">{resend.error.message}</p> : null}
      {resend.data ? <p data-testid="rmq-resend-result">Resent as {resend.data.msgId} to {resend.data.topic} on {resend.data.brokerName}{resend.data.replicated ? "" : " (stored; replicas had not confirmed in time)"}.</p> : null}
    </div>
  );
}

/** UTF-8 text without control characters other than whitespace: shown as text first. */
function looksText(b64: string): boolean {
  try {
    const s = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    return !/[\u0000-\u0008\u000e-\u001f]/.test(s);
  } catch {
    return false;
  }
}
