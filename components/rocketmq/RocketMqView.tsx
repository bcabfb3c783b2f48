"use client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ClusterGate } from "../cluster/ClusterGate";
import { useTRPC } from "../trpc";
import { RmqConsumerGroups } from "./RmqConsumerGroups";
import { RmqMessageQuery } from "./RmqMessageQuery";
import { RmqTopics } from "./RmqTopics";

/** Offsets move with every send and pull, and no push carries them: the page polls. */
const REFRESH_MS = 5_000;

/**
 * RocketMQ as its dashboard users know it: topics per broker group (queue counts, perm, per-queue
 * offsets, route), consumer groups (members, model, offsets and lag), message query and resend.
 */
export function RocketMqView(): ReactNode {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.rocketmq.overview.queryOptions(), refetchInterval: REFRESH_MS });
  return (
    <section>
      <h1>RocketMQ</h1>
      <ClusterGate isLoading={q.isLoading} error={q.error}>
        {() => {
          const o = q.data!;
          return (
            <>
              <p className="muted" data-testid="rmq-brokers">
                {o.brokers.map((b) => (
                  <span key={b.group} className={b.error ? "error" : undefined} data-testid={`rmq-broker-${b.group}`}>
                    {b.group}: {b.error ? `no RocketMQ answer (${b.error})` : `${b.brokerName} at ${b.addr} on ${b.node}`}
                    {"; "}
                  </span>
                ))}
              </p>
              <RmqTopics topics={o.topics} groups={o.brokers.map((b) => b.group)} />
              <RmqConsumerGroups groups={o.consumerGroups} />
              <RmqMessageQuery consumerGroups={o.consumerGroups.map((g) => g.consumerGroup)} />
            </>
          );
        }}
      </ClusterGate>
    </section>
  );
}
