"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/api/root";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { agoText, localInputToMs } from "./rmqFormat";

type Group = inferRouterOutputs<AppRouter>["rocketmq"]["overview"]["consumerGroups"][number];

/** Consumer groups: members from heartbeats, message model, per-queue broker vs consumer offset, total lag; offset reset for operators. */
export function RmqConsumerGroups({ groups }: { groups: Group[] }): ReactNode {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <h2>Consumer groups ({groups.length})</h2>
      {groups.length === 0 ? <p className="muted">No consumer group has connected or committed an offset yet.</p> : null}
      <table data-testid="rmq-groups">
        <thead>
          <tr><th>Group</th><th>Model</th><th>Members</th><th>Lag</th><th /></tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <GroupRow key={g.consumerGroup} g={g} open={open === g.consumerGroup} onToggle={() => setOpen(open === g.consumerGroup ? null : g.consumerGroup)} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function GroupRow({ g, open, onToggle }: { g: Group; open: boolean; onToggle: () => void }): ReactNode {
  return (
    <>
      <tr data-testid={`rmq-group-${g.consumerGroup}`}>
        <td>{g.consumerGroup}</td>
        <td>{g.messageModel ?? <span className="muted">unknown (offline)</span>}</td>
        <td>{g.members.length === 0 ? <span className="muted">offline</span> : g.members.length}</td>
        <td data-testid={`rmq-group-lag-${g.consumerGroup}`} className={g.lag > 0 ? "warn" : undefined}>{g.lag}</td>
        <td>
          <button type="button" onClick={onToggle} data-testid={`rmq-group-open-${g.consumerGroup}`}>{open ? "Hide" : "Details"}</button>
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={5}>
            <h3>Members</h3>
            {g.members.length === 0 ? <p className="muted">No member is online (members appear with their heartbeats, every 30 s by default).</p> : (
              <table data-testid={`rmq-group-members-${g.consumerGroup}`}>
                <thead><tr><th>Client id</th><th>Address</th><th>Last heartbeat</th><th>Subscriptions</th><th>Brokers</th></tr></thead>
                <tbody>
                  {g.members.map((m) => (
                    <tr key={m.clientId}>
                      <td><code>{m.clientId}</code></td>
                      <td>{m.remote}</td>
                      <td>{agoText(m.lastHeartbeatMs)}</td>
                      <td>{m.subscriptions.join(", ")}</td>
                      <td>{m.brokers.join(", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3>Offsets</h3>
            <table data-testid={`rmq-group-queues-${g.consumerGroup}`}>
              <thead><tr><th>Topic</th><th>Broker</th><th>Queue</th><th>Broker offset</th><th>Consumer offset</th><th>Lag</th></tr></thead>
              <tbody>
                {g.queues.map((q) => (
                  <tr key={`${q.topic}/${q.brokerName}/${q.queueId}`}>
                    <td>{q.topic}</td><td>{q.brokerName}</td><td>{q.queueId}</td><td>{q.brokerOffset}</td><td>{q.consumerOffset}</td><td>{q.lag}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {g.messageModel === "BROADCASTING" ? (
              <p className="muted" data-testid={`rmq-reset-broadcasting-${g.consumerGroup}`}>
                No offset reset: this group consumes in BROADCASTING mode, and RocketMQ 4 clients keep its offsets on each client
                (LocalFileOffsetStore), not on the brokers. Reset them on each client.
              </p>
            ) : (
              <ResetOffsetForm g={g} />
            )}
          </td>
        </tr>
      ) : null}
    </>
  );
}

function ResetOffsetForm({ g }: { g: Group }): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const topics = [...new Set(g.queues.map((q) => q.topic).filter((t) => !t.startsWith("%")))];
  const [topic, setTopic] = useState(topics[0] ?? "");
  const [when, setWhen] = useState("");
  const reset = useMutation(trpc.rocketmq.resetOffset.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.rocketmq.pathKey() }) }));
  const allowed = can("rocketmq.resetOffset");
  const timestamp = localInputToMs(when);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (timestamp !== null && topic) reset.mutate({ consumerGroup: g.consumerGroup, topic, timestamp });
  };
  return (
    <form onSubmit={submit} data-testid={`rmq-reset-${g.consumerGroup}`}>
      <h3>Reset offsets to a time</h3>
      <label>
        topic{" "}
        <select value={topic} onChange={(e) => setTopic(e.target.value)} data-testid="rmq-reset-topic">
          {topics.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </label>{" "}
      <label>
        to <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required data-testid="rmq-reset-time" /> (your time zone)
      </label>{" "}
      <button type="submit" disabled={!allowed || reset.isPending || timestamp === null || !topic} title={allowed ? undefined : "needs the operator role"} data-testid="rmq-reset-submit">
        Reset {g.consumerGroup}
      </button>
      <p className="muted">
        Each queue&apos;s committed offset becomes the first message stored at or after that time (RocketMQ&apos;s resetOffsetByTime). Online members are sent
        RESET_CONSUMER_CLIENT_OFFSET (the Java 4.x client applies it at once); for clients that ignore it (ali-ons, for one) the broker drops their
        commits of the old position and moves their next pull of each queue to the reset offset, so they follow within one pull — messages they had
        already fetched are still handled once. Restarted or rebalanced consumers resume at the reset offsets.
      </p>
      {g.members.length > 0 ? <p className="warn" data-testid="rmq-reset-online">{g.members.length} member{g.members.length === 1 ? " is" : "s are"} online now.</p> : null}
      {reset.error ? <p className="error" data-testid="rmq-reset-error">{reset.error.message}</p> : null}
      {reset.data ? (
        <p data-testid="rmq-reset-result">
          Reset {reset.data.consumerGroup} on {reset.data.topic}:{" "}
          {reset.data.brokers.map((b) => `${b.brokerName} ${b.queues.map((q) => `q${q.queueId} ${q.previousOffset ?? "—"}→${q.offset}`).join(", ")}`).join("; ")}
          {reset.data.onlineMembers > 0 ? ` (${reset.data.onlineMembers} online member(s) notified)` : ""}
        </p>
      ) : null}
    </form>
  );
}
