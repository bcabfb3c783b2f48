import type { Metadata } from "next";
import type { ReactNode } from "react";
import { RocketMqView } from "../../../components/rocketmq/RocketMqView";

export const metadata: Metadata = { title: "RocketMQ" };

export default function RocketMqPage(): ReactNode {
  return <RocketMqView />;
}
