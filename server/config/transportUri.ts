// ActiveMQ operators describe listeners as URIs:
//   stomp://0.0.0.0:61613?maximumConnections=1000&wireFormat.maxFrameSize=104857600
// We accept the same spelling so a seed's <transportConnector> line carries over.

export type TransportScheme = "stomp" | "stomp+ssl" | "ws" | "wss";

export interface TransportUri {
  scheme: TransportScheme;
  host: string;
  port: number;
  maximumConnections?: number;
  maxFrameSize?: number;
}

const SCHEMES: ReadonlySet<string> = new Set(["stomp", "stomp+ssl", "ws", "wss", "stomp+nio"]);
const KNOWN_OPTIONS = new Set(["maximumConnections", "wireFormat.maxFrameSize"]);

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
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) return `option "${key}" must be a positive integer, got "${value}"`;
    if (key === "maximumConnections") out.maximumConnections = n;
    else out.maxFrameSize = n;
  }
  return out;
}
