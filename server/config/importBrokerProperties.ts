// Turns RocketMQ broker .properties files (seed 002's broker-a.properties, broker-a-s.properties …)
// into a Tandem cluster file: brokerName → group, brokerId/brokerIP1/listenPort → node,
// cluster-wide settings → `rocketmq:`. The result is checked by the cluster schema, so a bad value
// is refused with the file, the field and the reason. Pure: files in, object and notes out.
import { clusterSchema, type ClusterConfigInput } from "./clusterSchema";

export interface PropertiesFile {
  name: string;
  text: string;
}

export interface ImportResult {
  cluster: ClusterConfigInput | null;
  errors: string[];
  /** What was mapped differently or left out, for the operator to read. */
  notes: string[];
}

/** Cluster-wide keys and how their text becomes a value. */
const CLUSTER_KEYS: Record<string, (v: string) => unknown> = {
  brokerClusterName: (v) => v,
  namesrvAddr: (v) => v,
  autoCreateTopicEnable: (v) => (v === "true" ? true : v === "false" ? false : v),
  defaultTopicQueueNums: num,
  maxMessageSize: num,
  messageDelayLevel: (v) => v,
  deleteWhen: (v) => v,
  fileReservedTime: num,
  diskMaxUsedSpaceRatio: num,
  syncFlushTimeout: num,
};

/** Keys of RocketMQ's own storage and thread layout, which Tandem's journal replaces. */
const IGNORED = /^(storePath.*|storeCheckpoint|abortFile|mapedFileSize.*|mappedFileSize.*|flush.*|destroyMapedFileIntervalForcibly|redeleteHangedFileInterval|.*ThreadPoolNums|checkTransactionMessageEnable|autoCreateSubscriptionGroup|haListenPort|brokerIP2)$/;

function num(v: string): unknown {
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

/** java.util.Properties, the subset broker files use: key=value or key:value, # and ! comments. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m) out.set(m[1], m[2].trim());
  }
  return out;
}

export function importBrokerProperties(files: PropertiesFile[]): ImportResult {
  const errors: string[] = [];
  const notes: string[] = [];
  const rocketmq: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  const groups = new Map<string, { brokerRole?: string; flushDiskType?: string; nodes: Array<Record<string, unknown> & { name: string; hostname: string; rocketmq: Record<string, unknown> }> }>();
  for (const f of files) {
    const p = parseProperties(f.text);
    const brokerName = p.get("brokerName");
    if (!brokerName) {
      errors.push(`${f.name}: brokerName: missing (every broker file names its group)`);
      continue;
    }
    const group = groups.get(brokerName) ?? { nodes: [] };
    groups.set(brokerName, group);
    for (const [key, value] of p) {
      if (key in CLUSTER_KEYS) {
        const v = CLUSTER_KEYS[key](value);
        if (key in rocketmq && rocketmq[key] !== v) errors.push(`${f.name}: ${key}: "${value}" differs from "${String(rocketmq[key])}" in ${origin.get(key)} (one value per cluster)`);
        else {
          rocketmq[key] = v;
          origin.set(key, f.name);
        }
      } else if (["brokerName", "brokerId", "brokerIP1", "listenPort", "brokerRole", "flushDiskType"].includes(key)) {
        continue; // the group's and node's own fields, mapped below
      } else if (IGNORED.test(key)) {
        notes.push(`${f.name}: ${key} ignored (Tandem stores messages in its replicated journal under dataDirectory)`);
      } else {
        notes.push(`${f.name}: ${key} is not part of Tandem's RocketMQ vocabulary; ignored`);
      }
    }
    const role = p.get("brokerRole");
    if (role === "SYNC_MASTER" || role === "ASYNC_MASTER") group.brokerRole = role;
    else if (role === "SLAVE") notes.push(`${f.name}: brokerRole=SLAVE: Tandem elects the master of ${brokerName} itself; this file becomes one of its nodes`);
    else if (role !== undefined) errors.push(`${f.name}: brokerRole: "${role}" is not SYNC_MASTER, ASYNC_MASTER or SLAVE`);
    const flush = p.get("flushDiskType");
    if (flush !== undefined) {
      if (group.flushDiskType && group.flushDiskType !== flush) errors.push(`${f.name}: flushDiskType: "${flush}" differs from "${group.flushDiskType}" elsewhere in ${brokerName}`);
      group.flushDiskType = flush;
    }
    const brokerId = Number(p.get("brokerId") ?? 0);
    const listenPort = num(p.get("listenPort") ?? "10911");
    const hostname = p.get("brokerIP1") ?? "127.0.0.1";
    const port = typeof listenPort === "number" ? listenPort : 10911;
    group.nodes.push({
      name: `${brokerName}-${brokerId}`,
      hostname,
      // RocketMQ's HA port is listenPort+1: Tandem's replication listener takes its place.
      bind: `tcp://${hostname}:${port + 1}`,
      transportConnectors: [{ name: "stomp", uri: `stomp://${hostname}:${port + 2}` }],
      admin: { port: port + 3 },
      rocketmq: { brokerId, listenPort },
    });
  }
  // A NameServer runs on the node of each namesrvAddr host (seed 002 runs them next to the brokers).
  const namesrv = typeof rocketmq.namesrvAddr === "string" ? rocketmq.namesrvAddr.split(";") : [];
  for (const addr of namesrv) {
    const [host, portText] = addr.split(":");
    const node = [...groups.values()].flatMap((g) => g.nodes).find((n) => n.hostname === host && n.rocketmq.namesrvPort === undefined);
    if (node) node.rocketmq.namesrvPort = Number(portText);
    else notes.push(`namesrvAddr ${addr}: no broker file on host ${host}; the address is dropped from namesrvAddr`);
  }
  if (namesrv.length > 0) {
    const kept = namesrv.filter((a) => [...groups.values()].some((g) => g.nodes.some((n) => `${n.hostname}:${String(n.rocketmq.namesrvPort)}` === a)));
    if (kept.length > 0) rocketmq.namesrvAddr = kept.join(";");
    else delete rocketmq.namesrvAddr;
  }
  const cluster = {
    rocketmq,
    groups: [...groups].map(([name, g]) => ({
      name,
      replicas: g.nodes.length,
      ...(g.brokerRole ? { brokerRole: g.brokerRole } : {}),
      ...(g.flushDiskType ? { flushDiskType: g.flushDiskType } : {}),
      nodes: g.nodes,
    })),
  } as unknown as ClusterConfigInput;
  if (groups.size > 0 && [...groups.values()].some((g) => g.nodes.length > 1)) notes.push("groups of more than one node need zkAddress (or the console's embedded coordinator)");
  for (const [name, g] of groups) {
    // Tandem elects a master only with a majority of the group connected: 2 of 2 here.
    if (g.nodes.length === 2) notes.push(`${name} has 2 brokers: Tandem's election needs a majority (2 of 2), so losing either node leaves ${name} without a master (no sends, no pulls) until it is back; add a third node (replicas: 3) for failover`);
  }
  const checked = clusterSchema.safeParse({ zkAddress: "127.0.0.1:2181", ...cluster });
  if (!checked.success) {
    for (const issue of checked.error.issues) errors.push(`${describePath(issue.path, files, cluster)}: ${issue.message}`);
  }
  return { cluster: errors.length === 0 ? cluster : null, errors, notes };
}

/** Names the file a schema issue comes from when it is a node's or the group's field. */
function describePath(path: PropertyKey[], files: PropertiesFile[], cluster: ClusterConfigInput): string {
  const field = String(path[path.length - 1]);
  if (path[0] === "rocketmq") return `rocketmq.${field}`;
  if (path[0] === "groups" && path[2] === "nodes") {
    const node = (cluster.groups as Array<{ nodes: Array<{ name: string }> }>)[Number(path[1])]?.nodes[Number(path[3])];
    return `${node?.name ?? "node"}: ${field}`;
  }
  void files;
  return path.join(".");
}
