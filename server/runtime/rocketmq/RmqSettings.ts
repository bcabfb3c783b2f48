/** The RocketMQ settings one broker node runs with (resolved from the cluster file's vocabulary). */
export interface RmqSettings {
  brokerClusterName: string;
  /** The group's RocketMQ brokerName (seed: broker-a). */
  brokerName: string;
  /** Address clients reach this node's broker listener at ("host:port"), filled in once listening. */
  host: string;
  listenPort: number;
  autoCreateTopicEnable: boolean;
  defaultTopicQueueNums: number;
  maxMessageSize: number;
  /** Delay of each level in ms (messageDelayLevel, "1s 5s 10s 30s 1m …"). */
  delayLevelsMs: number[];
  /** Hours a message is kept (fractions allowed). */
  fileReservedTime: number;
  /** Hours of the day deletion runs ("04" or "04;05"). */
  deleteWhen: number[];
  /** Disk usage percentage above which deletion runs at any hour (clamped 10..95 as RocketMQ does). */
  diskMaxUsedSpaceRatio: number;
  /** How long a send waits for the sync policy before answering FLUSH_*_TIMEOUT (syncFlushTimeout). */
  syncTimeoutMs: number;
  /** The policy is replicated (brokerRole SYNC_MASTER or a quorum/remote sync): a timeout is FLUSH_SLAVE_TIMEOUT. */
  replicated: boolean;
  /** Where disk usage is measured. */
  dataDir: string;
  namesrvPort?: number;
  namesrvHost: string;
}

export const DEFAULT_DELAY_LEVELS = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

/** Parses RocketMQ's messageDelayLevel; null when a level is not a duration. */
export function parseDelayLevels(text: string): number[] | null {
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const out: number[] = [];
  for (const part of text.trim().split(/\s+/)) {
    const m = /^(\d+)([smhd])$/.exec(part);
    if (!m) return null;
    out.push(Number(m[1]) * unit[m[2]]);
  }
  return out.length > 0 ? out : null;
}
