import { connect } from "node:net";

export interface ServerStatus {
  server: string;
  reachable: boolean;
  mode: string | null;
  version: string | null;
  zxid: string | null;
  connections: number | null;
  latency: string | null;
  outstanding: number | null;
  znodes: number | null;
  /** Four-letter words the server refused (not in its 4lw.commands.whitelist). */
  refused: string[];
  error: string | null;
}

/** Sends one four-letter word and collects the whole answer (the server closes after it). */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`${word}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    s.on("connect", () => s.write(word));
    s.on("data", (d: Buffer) => chunks.push(d));
    s.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    s.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

const NOT_ALLOWED = /is not executed because it is not in the whitelist/;

/**
 * Reads `srvr` (enabled by default on ZooKeeper 3.5+) and, when allowed, `mntr`: a server that
 * whitelists only `srvr` still shows its mode, version, zxid and latency; `mntr` adds counts.
 * Pure parsing lives in parseSrvr/parseMntr.
 */
export async function serverStatus(server: string): Promise<ServerStatus> {
  const [host, portText] = server.split(":");
  const port = Number(portText ?? 2181);
  const status: ServerStatus = {
    server, reachable: false, mode: null, version: null, zxid: null, connections: null, latency: null, outstanding: null, znodes: null, refused: [], error: null,
  };
  try {
    const srvr = await fourLetterWord(host, port, "srvr");
    status.reachable = true;
    if (NOT_ALLOWED.test(srvr)) status.refused.push("srvr");
    else Object.assign(status, parseSrvr(srvr));
    const mntr = await fourLetterWord(host, port, "mntr").catch(() => "");
    if (NOT_ALLOWED.test(mntr) || mntr === "") status.refused.push("mntr");
    else Object.assign(status, parseMntr(mntr, status));
  } catch (err) {
    status.error = (err as Error).message;
  }
  return status;
}

export function parseSrvr(text: string): Partial<ServerStatus> {
  const field = (name: string): string | null => {
    const m = new RegExp(`^${name}:\\s*(.*)$`, "m").exec(text);
    return m ? m[1].trim() : null;
  };
  const conns = field("Connections");
  return {
    version: field("Zookeeper version"),
    mode: field("Mode"),
    zxid: field("Zxid"),
    latency: field("Latency min/avg/max"),
    connections: conns === null ? null : Number(conns),
    outstanding: field("Outstanding") === null ? null : Number(field("Outstanding")),
    znodes: field("Node count") === null ? null : Number(field("Node count")),
  };
}

export function parseMntr(text: string, base: Partial<ServerStatus>): Partial<ServerStatus> {
  const kv = new Map<string, string>();
  for (const line of text.split("\n")) {
    const [k, ...rest] = line.split("\t");
    if (k && rest.length > 0) kv.set(k.trim(), rest.join("\t").trim());
  }
  const num = (k: string): number | null => (kv.has(k) ? Number(kv.get(k)) : null);
  return {
    mode: kv.get("zk_server_state") ?? base.mode ?? null,
    version: kv.get("zk_version") ?? base.version ?? null,
    connections: num("zk_num_alive_connections") ?? base.connections ?? null,
    outstanding: num("zk_outstanding_requests") ?? base.outstanding ?? null,
    znodes: num("zk_znode_count") ?? base.znodes ?? null,
  };
}

/** Every server of a connect string ("h1:2181,h2:2181[/chroot]"). */
export async function ensembleStatus(connectString: string): Promise<ServerStatus[]> {
  const servers = connectString.split("/")[0].split(",").map((s) => s.trim()).filter(Boolean);
  return Promise.all(servers.map((s) => serverStatus(s)));
}
