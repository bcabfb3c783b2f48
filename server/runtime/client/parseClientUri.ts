import { DEFAULT_FAILOVER_OPTIONS, type FailoverOptions } from "./FailoverOptions";

export interface BrokerEndpoint {
  /** Normalised `stomp://host:port` (the key the failover state machine uses). */
  url: string;
  host: string;
  port: number;
  /** Per-URI options after `nested.*` and pass-through options were applied. */
  params: Record<string, string>;
}

export interface ZkDiscoveryTarget {
  /** ZooKeeper connect string: "host:port[,host:port]". */
  connectString: string;
  /** The HA group's zkPath, e.g. /tandem/test/group1. */
  path: string;
}

export interface ClientTarget {
  endpoints: BrokerEndpoint[];
  discovery: ZkDiscoveryTarget | null;
  options: FailoverOptions;
  /** ActiveMQ failover options Tandem's client accepts but does not implement (the caller may warn). */
  ignored: string[];
}

const DEFAULT_STOMP_PORT = 61613;

/** ActiveMQ failover options with no meaning for a STOMP client (no broker-pushed URIs, no backups). */
const IGNORED_FAILOVER_OPTIONS = new Set([
  "trackMessages",
  "maxCacheSize",
  "trackTransactionProducers",
  "backup",
  "backupPoolSize",
  "updateURIsSupported",
  "reconnectSupported",
  "rebalanceUpdateURIs",
  "updateURIsURL",
  "initialReconnectDelayRandomization",
]);

type OptionKind = "number" | "boolean" | "list";
const OPTION_KINDS: Record<keyof FailoverOptions, OptionKind> = {
  initialReconnectDelay: "number",
  maxReconnectDelay: "number",
  useExponentialBackOff: "boolean",
  backOffMultiplier: "number",
  maxReconnectAttempts: "number",
  startupMaxReconnectAttempts: "number",
  warnAfterReconnectAttempts: "number",
  randomize: "boolean",
  timeout: "number",
  priorityBackup: "boolean",
  priorityURIs: "list",
};
/** The docs' name for the multiplier; FailoverTransport has a setter alias for it. */
const ALIASES: Record<string, keyof FailoverOptions> = { reconnectDelayExponent: "backOffMultiplier" };

/**
 * Parses the URIs a Tandem client accepts, with ActiveMQ's syntax (brokers.md §d.1):
 * - `failover:(stomp://a:61613,stomp://b:61623)?initialReconnectDelay=10&randomize=false`
 * - `failover:stomp://a:61613,stomp://b:61623` (no options)
 * - `discovery:zk://127.0.0.1:2181/tandem/test/group1?maxReconnectDelay=1000` — the master is found
 *   through the coordinator; `discovery:(zk://…)?…` is accepted too
 * - `stomp://host:port` — one broker, no reconnection (maxReconnectAttempts=0), like a plain tcp://.
 * Options prefixed `nested.` are copied onto every inner URI and win over its own values; other
 * unknown options are passed to the inner URIs as defaults (AMQ-4718). Throws on malformed input.
 */
export function parseClientUri(uri: string): ClientTarget {
  const text = uri.trim();
  if (/^failover:/i.test(text)) return parseComposite(text.slice("failover:".length), "failover", uri);
  if (/^discovery:/i.test(text)) return parseComposite(text.slice("discovery:".length), "discovery", uri);
  const endpoint = parseEndpoint(text, {}, {});
  return { endpoints: [endpoint], discovery: null, options: { ...DEFAULT_FAILOVER_OPTIONS, maxReconnectAttempts: 0 }, ignored: [] };
}

function parseComposite(rest: string, kind: "failover" | "discovery", original: string): ClientTarget {
  let inner: string;
  let query = "";
  if (rest.startsWith("(")) {
    const close = rest.lastIndexOf(")");
    if (close === -1) throw new Error(`unbalanced parentheses in ${original}`);
    inner = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== "" && !after.startsWith("?")) throw new Error(`unexpected "${after}" after ")" in ${original}`);
    query = after.slice(1);
  } else if (kind === "discovery") {
    // zk://h:p,h:p/path?opts: the query is the failover options (there is only one inner URI).
    const q = rest.indexOf("?");
    inner = q === -1 ? rest : rest.slice(0, q);
    query = q === -1 ? "" : rest.slice(q + 1);
  } else {
    inner = rest;
  }
  const options: FailoverOptions = { ...DEFAULT_FAILOVER_OPTIONS, priorityURIs: [] };
  const nested: Record<string, string> = {};
  const passThrough: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [rawKey, value] of new URLSearchParams(query)) {
    if (rawKey.startsWith("nested.")) {
      nested[rawKey.slice("nested.".length)] = value;
      continue;
    }
    const key = (ALIASES[rawKey] ?? rawKey) as keyof FailoverOptions;
    const kindOf = OPTION_KINDS[key];
    if (kindOf === undefined) {
      if (IGNORED_FAILOVER_OPTIONS.has(rawKey)) ignored.push(rawKey);
      else passThrough[rawKey] = value;
      continue;
    }
    setOption(options, key, kindOf, value, original);
  }
  if (inner.trim() === "") throw new Error(`no broker URI inside ${original}`);
  if (kind === "discovery") {
    return { endpoints: [], discovery: parseZk(inner.trim(), original), options, ignored };
  }
  // Split only where a new URI starts, so a comma inside an inner option (heartBeat=5000,5000) stays.
  const endpoints = inner.split(/,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i).map((u) => parseEndpoint(u.trim(), passThrough, nested));
  options.priorityURIs = options.priorityURIs.map((u) => parseEndpoint(u, {}, {}).url);
  return { endpoints, discovery: null, options, ignored };
}

function setOption(o: FailoverOptions, key: keyof FailoverOptions, kind: OptionKind, value: string, original: string): void {
  if (kind === "boolean") {
    if (value !== "true" && value !== "false") throw new Error(`${key} must be true or false, got "${value}" in ${original}`);
    (o as unknown as Record<string, unknown>)[key] = value === "true";
    return;
  }
  if (kind === "list") {
    o.priorityURIs = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
    return;
  }
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new Error(`${key} must be a number, got "${value}" in ${original}`);
  (o as unknown as Record<string, unknown>)[key] = n;
}

function parseEndpoint(text: string, defaults: Record<string, string>, overrides: Record<string, string>): BrokerEndpoint {
  const m = /^(stomp|tcp|stomp\+nio|nio):\/\/(\[[^\]]+\]|[^:/?]+)(?::(\d+))?\/?(?:\?(.*))?$/i.exec(text);
  if (!m) throw new Error(`not a broker URI (expected stomp://host:port): "${text}"`);
  const host = m[2]!.replace(/^\[|\]$/g, "");
  const port = m[3] ? Number(m[3]) : DEFAULT_STOMP_PORT;
  if (port < 1 || port > 65535) throw new Error(`port out of range in "${text}"`);
  const own = Object.fromEntries(new URLSearchParams(m[4] ?? ""));
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return { url: `stomp://${hostPart}:${port}`, host, port, params: { ...defaults, ...own, ...overrides } };
}

function parseZk(text: string, original: string): ZkDiscoveryTarget {
  const m = /^zk:\/\/([^/]+)(\/.*)$/i.exec(text);
  if (!m) throw new Error(`discovery expects zk://host:port[,host:port]/zkPath, got "${text}" in ${original}`);
  const path = m[2]!.replace(/\/+$/, "");
  if (path === "") throw new Error(`discovery needs the group's zkPath in ${original}`);
  return { connectString: m[1]!, path };
}
