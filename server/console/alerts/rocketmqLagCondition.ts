import type { AlertCondition } from "./alertConditions";

/**
 * "RocketMQ consumer group lag above N": a consumer group's total lag (messages stored and not
 * yet committed, RocketMQ's diffTotal) summed over every group master, as their node info last
 * reported it. The rule's group/node filters pick brokers; its destination filter, when set,
 * names the consumer group. A master that did not answer contributes nothing (node_down covers it).
 */
export const rocketmqLagCondition: AlertCondition = {
  kind: "rocketmq_consumer_lag",
  describe: "messages a RocketMQ consumer group has not consumed yet (summed over every broker group)",
  unit: "messages",
  instances: (f, flt) => {
    const totals = new Map<string, number>();
    for (const l of f.rocketmqLag ?? []) {
      if (flt.group && flt.group !== l.group) continue;
      if (flt.node && flt.node !== l.node) continue;
      if (flt.destination && flt.destination !== l.consumerGroup) continue;
      totals.set(l.consumerGroup, (totals.get(l.consumerGroup) ?? 0) + l.lag);
    }
    return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([consumerGroup, lag]) => ({ labels: { consumerGroup }, value: lag }));
  },
};
