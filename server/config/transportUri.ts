// ActiveMQ operators describe listeners as URIs:
//   stomp://0.0.0.0:61613?maximumConnections=1000&wireFormat.maxFrameSize=104857600
// We accept the same spelling so a seed's <transportConnector> line carries over.

export type TransportScheme = "stomp" | "stomp+ssl" | "ws" | "wss";

export interface TransportUri {
  scheme: TransportScheme;
  host: string;
  port: number;
  maximumConnections?: number;
  /** At most this many of maximumConnections from one source address (so one host cannot take them all). */
  maximumConnectionsPerAddress?: number;
  maxFrameSize?: number;
  /** ws/wss: browser origins allowed to connect ("*" = any); absent = none (clients without Origin only). */
  allowedOrigins?: string[];
}

const SCHEMES: ReadonlySet<string> = new Set(["stomp", "stomp+ssl", "ws", "wss", "stomp+nio"]);
const KNOWN_OPTIONS = new Set(["maximumConnections", "maximumConnectionsPerAddress", "wireFormat.maxFrameSize", "allowedOrigins"]);

/** Parses a transport URI; returns a reason string when it is not acceptable. */
export function parseTransportUri(text: string): TransportUri | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a URI: "${text}"`;
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (!SCHEMES.has(scheme)) return `unsupported scheme "${scheme}" (use stomp, stomp+ssl, ws or wss)`;
  const port = url.port === "" ? NaN : Number(url.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `missing or invalid port in "${text}"`;
  const out: TransportUri = {
    scheme: (scheme === "stomp+nio" ? "stomp" : scheme) as TransportScheme,
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port,
  };
  for (const [key, value] of url.searchParams) {
    if (!KNOWN_OPTIONS.has(key)) return `unknown option "${key}" (known: ${[...KNOWN_OPTIONS].join(", ")})`;
    if (key === "allowedOrigins") {
      if (out.scheme !== "ws" && out.scheme !== "wss") return `option "allowedOrigins" applies to ws and wss connectors only (browsers do not speak STOMP over TCP)`;
      const origins = parseOrigins(value);
      if (typeof origins === "string") return origins;
      out.allowedOrigins = origins;
      continue;
    }
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) return `option "${key}" must be a positive integer, got "${value}"`;
    if (key === "maximumConnections") out.maximumConnections = n;
    else if (key === "maximumConnectionsPerAddress") out.maximumConnectionsPerAddress = n;
    else out.maxFrameSize = n;
  }
  if (out.maximumConnectionsPerAddress !== undefined && out.maximumConnectionsPerAddress > (out.maximumConnections ?? DEFAULT_MAXIMUM_CONNECTIONS)) {
    return `maximumConnectionsPerAddress (${out.maximumConnectionsPerAddress}) is larger than maximumConnections (${out.maximumConnections ?? DEFAULT_MAXIMUM_CONNECTIONS}): it would not limit anything`;
  }
  return out;
}

/** maximumConnections when the URI does not set it (ActiveMQ's default). */
export const DEFAULT_MAXIMUM_CONNECTIONS = 1000;

/** "https://a.example,http://localhost:3000" or "*": each entry must be an origin exactly as a browser sends it. */
function parseOrigins(value: string): string[] | string {
  const list = value.split(",").map((o) => o.trim()).filter((o) => o !== "");
  if (list.length === 0) return `option "allowedOrigins" is empty (list origins such as https://app.example.com, or "*")`;
  for (const o of list) {
    if (o === "*") continue;
    let origin: string;
    try {
      origin = new URL(o).origin;
    } catch {
      return `allowedOrigins: "${o}" is not an origin (scheme://host[:port], e.g. https://app.example.com)`;
    }
    if (origin === "null" || origin !== o.replace(/\/$/, "")) {
      return `allowedOrigins: "${o}" is not an origin (scheme://host[:port] with no path, e.g. https://app.example.com)`;
    }
  }
  return list.map((o) => (o === "*" ? o : new URL(o).origin));
}
