// ActiveMQ's networkConnector URIs as the seeds write them (brokers.md §c.1-2):
//   masterslave:(tcp://h:61616,tcp://h:61617,tcp://h:61618)   one bridge, tried in the given order
//   static:(tcp://a:61616,tcp://b:61616)                        one bridge per URI
//   static(tcp://…)                                             seed 000's spelling, without the colon
// Tandem's bridges speak STOMP, so the URIs name the remote group's STOMP listeners; tcp:// and
// stomp:// both mean a STOMP-over-TCP endpoint. Query options after ")?" are not supported: the
// connector's own fields carry them, so one option never has two spellings.

export interface RemoteEndpoint {
  host: string;
  port: number;
  /** Normalised "stomp://host:port". */
  url: string;
}

export interface ParsedConnectorUri {
  kind: "masterslave" | "static";
  endpoints: RemoteEndpoint[];
}

/** Parses a connector URI; returns a reason string when it is not acceptable. */
export function parseNetworkConnectorUri(text: string): ParsedConnectorUri | string {
  const m = /^\s*(masterslave|static):?\((.*)\)\s*$/.exec(text);
  if (!m) {
    if (/^\s*multicast:/.test(text)) return "multicast discovery is not supported: name the remote group (group: …) or list its URIs";
    return `"${text}" is not masterslave:(uri,…) or static:(uri,…)`;
  }
  const kind = m[1] as "masterslave" | "static";
  const parts = m[2]!.split(",").map((p) => p.trim()).filter((p) => p !== "");
  if (parts.length === 0) return `${kind}: lists no URI`;
  const endpoints: RemoteEndpoint[] = [];
  for (const p of parts) {
    let url: URL;
    try {
      url = new URL(p);
    } catch {
      return `"${p}" is not a URI`;
    }
    const scheme = url.protocol.replace(/:$/, "");
    if (scheme !== "tcp" && scheme !== "stomp" && scheme !== "nio") return `"${p}": use tcp:// or stomp:// (the bridge speaks STOMP)`;
    if (url.search !== "") return `"${p}": options in the URI are not supported; set them on the connector`;
    const port = url.port === "" ? NaN : Number(url.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) return `"${p}": missing or invalid port`;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (host === "" || host === "0.0.0.0") return `"${p}": name a reachable host (not 0.0.0.0)`;
    endpoints.push({ host, port, url: `stomp://${host}:${port}` });
  }
  return { kind, endpoints };
}
