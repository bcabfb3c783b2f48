import { viewerProcedure } from "../../trpc";
import { overviewOutput } from "./rocketmq.schema";

/** Topics per group master with queue counts, perm, per-queue offsets and routes; consumer groups with members and lag. */
export const overview = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/rocketmq", tags: ["rocketmq"], summary: "RocketMQ topics (routes, per-queue offsets) and consumer groups (members, offsets, lag)" } })
  .output(overviewOutput)
  .query(({ ctx }) => ctx.services.rocketmq.overview());
