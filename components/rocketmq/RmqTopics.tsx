"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/api/root";
import { Time } from "../Time";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { permText } from "./rmqFormat";

/** A checkbox and its words on one line (labels stack their contents by default). */
const INLINE = { flexDirection: "row", alignItems: "center" } as const;

type Topic = inferRouterOutputs<AppRouter>["rocketmq"]["overview"]["topics"][number];

/** Topics with their route (the groups hosting them), queue counts, perm and per-queue offsets; topic creation for operators. */
export function RmqTopics({ topics, groups }: { topics: Topic[]; groups: string[] }): ReactNode {
  const [showSystem, setShowSystem] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const shown = topics.filter((t) => showSystem || !t.system);
  return (
    <>
      <h2>Topics ({topics.filter((t) => !t.system).length})</h2>
      <label style={INLINE}>
        <input type="checkbox" checked={showSystem} onChange={(e) => setShowSystem(e.target.checked)} data-testid="rmq-show-system" /> show RocketMQ&apos;s own topics (%RETRY%, %DLQ%, TBW102)
      </label>
      <table data-testid="rmq-topics">
        <thead>
          <tr>
            <th>Topic</th><th>Route (broker groups)</th><th>Write / read queues</th><th>Perm</th><th>Messages kept</th><th />
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <TopicRow key={t.topic} t={t} open={open === t.topic} onToggle={() => setOpen(open === t.topic ? null : t.topic)} />
          ))}
        </tbody>
      </table>
      {shown.length === 0 ? <p className="muted">No topic yet.</p> : null}
      <CreateTopicForm groups={groups} />
    </>
  );
}

function TopicRow({ t, open, onToggle }: { t: Topic; open: boolean; onToggle: () => void }): ReactNode {
  return (
    <>
      <tr data-testid={`rmq-topic-${t.topic}`}>
        <td>{t.topic}</td>
        <td>{t.placements.map((p) => p.brokerName).join(", ")}</td>
        <td>{t.placements.map((p) => `${p.brokerName}: ${p.writeQueueNums} / ${p.readQueueNums}`).join("; ")}</td>
        <td>{[...new Set(t.placements.map((p) => permText(p.perm)))].join("; ")}</td>
        <td data-testid={`rmq-topic-messages-${t.topic}`}>{t.messages}</td>
        <td>
          <button type="button" onClick={onToggle} data-testid={`rmq-topic-queues-${t.topic}`}>{open ? "Hide queues" : "Queues"}</button>
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={6}>
            <table data-testid={`rmq-topic-queue-table-${t.topic}`}>
              <thead>
                <tr><th>Broker</th><th>Queue</th><th>Min offset</th><th>Max offset</th><th>Last stored</th></tr>
              </thead>
              <tbody>
                {t.placements.flatMap((p) =>
                  p.queues.map((q) => (
                    <tr key={`${p.brokerName}/${q.queueId}`}>
                      <td>{p.brokerName} <span className="muted">{p.addr}</span></td>
                      <td>{q.queueId}</td>
                      <td>{q.minOffset}</td>
                      <td>{q.maxOffset}</td>
                      <td>{q.lastStoreTimestamp === null ? "—" : <Time at={q.lastStoreTimestamp} />}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function CreateTopicForm({ groups }: { groups: string[] }): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const [topic, setTopic] = useState("");
  const [chosen, setChosen] = useState<string[]>(groups);
  const [writeQueues, setWriteQueues] = useState(8);
  const [readQueues, setReadQueues] = useState(8);
  const [perm, setPerm] = useState<2 | 4 | 6>(6);
  const create = useMutation(trpc.rocketmq.createTopic.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.rocketmq.pathKey() }) }));
  const allowed = can("rocketmq.createTopic");
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    create.mutate({ topic: topic.trim(), groups: chosen, writeQueueNums: writeQueues, readQueueNums: readQueues, perm });
  };
  return (
    <form onSubmit={submit} data-testid="rmq-create-topic">
      <h3>Create or update a topic</h3>
      <label>
        Topic <input value={topic} onChange={(e) => setTopic(e.target.value)} maxLength={127} required data-testid="rmq-create-name" />
      </label>{" "}
      <div className="row">
        on{" "}
        {groups.map((g) => (
          <label key={g} style={INLINE}>
            <input type="checkbox" checked={chosen.includes(g)} onChange={(e) => setChosen(e.target.checked ? [...chosen, g] : chosen.filter((x) => x !== g))} data-testid={`rmq-create-group-${g}`} /> {g}{" "}
          </label>
        ))}
      </div>
      <label>
        write queues <input type="number" min={1} max={1024} value={writeQueues} onChange={(e) => setWriteQueues(Number(e.target.value))} data-testid="rmq-create-write" />
      </label>{" "}
      <label>
        read queues <input type="number" min={1} max={1024} value={readQueues} onChange={(e) => setReadQueues(Number(e.target.value))} data-testid="rmq-create-read" />
      </label>{" "}
      <label>
        perm{" "}
        <select value={perm} onChange={(e) => setPerm(Number(e.target.value) as 2 | 4 | 6)} data-testid="rmq-create-perm">
          <option value={6}>read/write</option>
          <option value={4}>read only</option>
          <option value={2}>write only</option>
        </select>
      </label>{" "}
      <button type="submit" disabled={!allowed || create.isPending || chosen.length === 0} title={allowed ? undefined : "needs the operator role"} data-testid="rmq-create-submit">
        Create on {chosen.length} group{chosen.length === 1 ? "" : "s"}
      </button>
      <p className="muted">An existing topic of that name is updated (its queue counts and perm change; messages stay). Producers and consumers see the new route at their next NameServer poll (30 s by default).</p>
      {create.error ? <p className="error" data-testid="rmq-create-error">{create.error.message}</p> : null}
      {create.data ? (
        <p data-testid="rmq-create-result">
          {create.data.topic}: {create.data.placements.map((p) => `${p.created ? "created" : "updated"} on ${p.brokerName} (${p.node})`).join(", ")}
        </p>
      ) : null}
    </form>
  );
}
