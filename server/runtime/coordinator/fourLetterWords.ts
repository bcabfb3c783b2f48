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
  connections: CnxnInfo[];
  env: Record<string, string>;
  conf: Record<string, string | number>;
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

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
    `Latency min/avg/max: ${s.minLatency}/${s.avgLatency.toFixed(4)}/${s.maxLatency}\n` +
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
    case "mntr": {
      const rows: [string, string | number][] = [
        ["zk_version", ZK_VERSION],
        ["zk_avg_latency", s.avgLatency.toFixed(4)],
        ["zk_max_latency", s.maxLatency],
        ["zk_min_latency", s.minLatency],
        ["zk_packets_received", s.received],
        ["zk_packets_sent", s.sent],
        ["zk_num_alive_connections", s.connections.length],
        ["zk_outstanding_requests", s.outstanding],
        ["zk_server_state", "standalone"],
        ["zk_znode_count", s.nodeCount],
        ["zk_watch_count", s.watchCount],
        ["zk_ephemerals_count", s.ephemerals],
        ["zk_approximate_data_size", s.dataSize],
        ["zk_open_file_descriptor_count", s.connections.length],
        ["zk_max_file_descriptor_count", 1048576],
        ["zk_global_sessions", s.sessions],
        ["zk_last_zxid", hex(s.lastZxid)],
      ];
      return rows.map(([k, v]) => `${k}\t${v}\n`).join("");
    }
    case "envi":
      return `Environment:\nzookeeper.version=${ZK_VERSION}\n` + Object.entries(s.env).map(([k, v]) => `${k}=${v}\n`).join("");
    case "conf":
      return Object.entries(s.conf).map(([k, v]) => `${k}=${v}\n`).join("");
    case "wchs":
      return `${s.watchers} connections watching ${s.watchPaths} paths\nTotal watches:${s.watchCount}\n`;
    case "dirs":
      return `datadir_size: 0\nlogdir_size: 0\n`;
    case "crst":
    case "srst":
      return word === "crst" ? "Connection stats reset.\n" : "Server stats reset.\n";
    default:
      return `${word} is not supported by this server.\n`;
  }
}
