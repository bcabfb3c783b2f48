// Four-letter words on the client port (section 2.10). Pure text rendering over a stats
// snapshot; the server gathers the numbers.
export const ZK_VERSION = "3.8.0-tandem, built on 01/01/2024 00:00 GMT";

export interface CnxnInfo {
  remote: string;
  queued: number;
  received: number;
  sent: number;
  sessionId: bigint;
  lastOp: string;
  established: number;
  timeout: number;
  lastCxid: number;
  lastZxid: number;
  lastResponse: number;
  lastLatency: number;
  minLatency: number;
  avgLatency: number;
  maxLatency: number;
}

export interface ServerSnapshot {
  lastZxid: number;
  /** ms since the server started */
  uptime: number;
  nodeCount: number;
  watchCount: number;
  watchPaths: number;
  watchers: number;
  ephemerals: number;
  dataSize: number;
  sessions: number;
  outstanding: number;
  received: number;
  sent: number;
  minLatency: number;
  avgLatency: number;
  maxLatency: number;
  bytesReceived: number;
  authFailures: number;
  connectionRequests: number;
  connectionsRejected: number;
  /** Summary of the log's group-commit write+fsync times (ms); count 0 before the first write. */
  fsync: { min: number; avg: number; max: number; count: number; sum: number };
  /** Descriptors open / allowed (soft limit); null where the platform does not tell (then omitted). */
  openFds: number | null;
  maxFds: number | null;
  /** Bytes of the data directory (snapshots + transaction logs share it, as ZooKeeper's one dataDir). */
  dataDirSize: number;
  connections: CnxnInfo[];
  env: Record<string, string>;
  conf: Record<string, string | number>;
}

/** ZooKeeper's averages: rounded to 4 decimals and printed as a Java double ("0.0", "2.6999"). */
const javaDouble = (n: number): string => {
  const r = Math.round(n * 10000) / 10000;
  return Number.isInteger(r) ? r.toFixed(1) : String(r);
};

/** As Java's Long.toHexString: -1 prints as ffffffffffffffff. */
const hex = (n: number | bigint): string => `0x${BigInt.asUintN(64, BigInt(n)).toString(16)}`;

function brief(c: CnxnInfo): string {
  return ` ${c.remote}[1](queued=${c.queued},recved=${c.received},sent=${c.sent})`;
}

function full(c: CnxnInfo): string {
  return (
    ` ${c.remote}[1](queued=${c.queued},recved=${c.received},sent=${c.sent},sid=${hex(BigInt.asUintN(64, c.sessionId))},` +
    `lop=${c.lastOp},est=${c.established},to=${c.timeout},lcxid=${hex(c.lastCxid >>> 0)},lzxid=${hex(c.lastZxid)},` +
    `lresp=${c.lastResponse},llat=${c.lastLatency},minlat=${c.minLatency},avglat=${c.avgLatency},maxlat=${c.maxLatency})`
  );
}

function stats(s: ServerSnapshot): string {
  return (
    `Latency min/avg/max: ${s.minLatency}/${javaDouble(s.avgLatency)}/${s.maxLatency}\n` +
    `Received: ${s.received}\nSent: ${s.sent}\nConnections: ${s.connections.length}\n` +
    `Outstanding: ${s.outstanding}\nZxid: ${hex(s.lastZxid)}\nMode: standalone\nNode count: ${s.nodeCount}\n`
  );
}

export function isWhitelisted(word: string, whitelist: readonly string[]): boolean {
  return whitelist.includes("*") || whitelist.includes(word);
}

export function renderFourLetterWord(word: string, s: ServerSnapshot, whitelist: readonly string[]): string {
  if (!isWhitelisted(word, whitelist)) return `${word} is not executed because it is not in the whitelist.\n`;
  switch (word) {
    case "ruok":
      return "imok";
    case "isro":
      return "rw";
    case "srvr":
      return `Zookeeper version: ${ZK_VERSION}\n${stats(s)}`;
    case "stat":
      return `Zookeeper version: ${ZK_VERSION}\nClients:\n${s.connections.map((c) => brief(c) + "\n").join("")}\n${stats(s)}`;
    case "cons":
      return s.connections.map((c) => full(c) + "\n").join("") + "\n";
    case "mntr":
      return monitorRows(s).map(([k, v]) => `${k}\t${typeof v === "number" ? javaNumber(k, v) : v}\n`).join("");
    case "envi":
      return `Environment:\nzookeeper.version=${ZK_VERSION}\n` + Object.entries(s.env).map(([k, v]) => `${k}=${v}\n`).join("");
    case "conf":
      return Object.entries(s.conf).map(([k, v]) => `${k}=${v}\n`).join("");
    case "wchs":
      return `${s.watchers} connections watching ${s.watchPaths} paths\nTotal watches:${s.watchCount}\n`;
    case "dirs":
      // One dataDir holds both, so ZooKeeper reports its size for each.
      return `datadir_size: ${s.dataDirSize}\nlogdir_size: ${s.dataDirSize}\n`;
    case "crst":
      return "Connection stats reset.\n"; // the server reset them before rendering
    case "srst":
      return "Server stats reset.\n";
    default:
      return `${word} is not supported by this server.\n`;
  }
}

/** Keys whose value ZooKeeper prints as a Java double (averages). */
const DOUBLE_KEYS = new Set(["zk_avg_latency", "zk_avg_fsynctime"]);

function javaNumber(key: string, v: number): string | number {
  return DOUBLE_KEYS.has(key) ? javaDouble(v) : v;
}

/**
 * `mntr`'s rows with ZooKeeper 3.8's key names, for what this server measures and nothing it does
 * not. Shared by `mntr` and the Prometheus endpoint, so the two never disagree.
 */
export function monitorRows(s: ServerSnapshot): Array<[string, string | number]> {
  const rows: Array<[string, string | number]> = [
    ["zk_version", ZK_VERSION],
    ["zk_server_state", "standalone"],
    ["zk_ephemerals_count", s.ephemerals],
    ["zk_num_alive_connections", s.connections.length],
    ["zk_avg_latency", s.avgLatency],
    ["zk_outstanding_requests", s.outstanding],
    ["zk_znode_count", s.nodeCount],
    ["zk_global_sessions", s.sessions],
    ["zk_packets_sent", s.sent],
    ["zk_packets_received", s.received],
    ["zk_watch_count", s.watchCount],
    ["zk_auth_failed_count", s.authFailures],
    ["zk_min_latency", s.minLatency],
    ["zk_approximate_data_size", s.dataSize],
    ["zk_uptime", s.uptime],
    ["zk_max_latency", s.maxLatency],
    ["zk_bytes_received_count", s.bytesReceived],
    ["zk_connection_request_count", s.connectionRequests],
    ["zk_connection_rejected", s.connectionsRejected],
    ["zk_avg_fsynctime", s.fsync.avg],
    ["zk_min_fsynctime", s.fsync.min],
    ["zk_max_fsynctime", s.fsync.max],
    ["zk_cnt_fsynctime", s.fsync.count],
    ["zk_sum_fsynctime", s.fsync.sum],
  ];
  if (s.openFds !== null) rows.push(["zk_open_file_descriptor_count", s.openFds]);
  if (s.maxFds !== null) rows.push(["zk_max_file_descriptor_count", s.maxFds]);
  return rows;
}

/**
 * The same numbers in Prometheus' text format, named as ZooKeeper's Prometheus metrics provider
 * names them (the mntr key without `zk_`), so alert rules written for ZooKeeper work unchanged.
 */
export function prometheusText(s: ServerSnapshot): string {
  const out: string[] = [];
  for (const [key, value] of monitorRows(s)) {
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    const name = key.replace(/^zk_/, "");
    out.push(`# HELP ${name} ${key} as mntr reports it\n# TYPE ${name} gauge\n${name} ${value}\n`);
  }
  return out.join("");
}
