import { isIP } from "node:net";

export interface AllowedHosts {
  /** The address the console listens on (TANDEM_CONSOLE_HOST) and its actual port. */
  listenHost: string;
  port: number;
  /** Further names (TANDEM_CONSOLE_ALLOWED_HOSTS): "name" for any port (a proxy's name), "name:port" for one. */
  extra: readonly string[];
}

const LOOPBACK = ["localhost", "127.0.0.1", "::1"];
const WILDCARD = ["0.0.0.0", "::", ""];

/**
 * DNS-rebinding defence: a page on evil.example whose name an attacker re-points at 127.0.0.1
 * reaches the console with `Host: evil.example` and the browser treats it as that page's own
 * origin (cookies aside, it can read every answer). So only the names this console is served
 * under pass: the listen address, the loopback names, and the configured extra names, each on
 * the console's port. When the console listens on every interface, any IP literal passes too:
 * an address cannot be rebound, only a name can.
 */
export function hostAllowed(hostHeader: string | undefined, o: AllowedHosts): boolean {
  if (hostHeader === undefined) return false;
  const parsed = splitHost(hostHeader.trim().toLowerCase());
  if (parsed === null) return false;
  const { host, port } = parsed;
  for (const entry of o.extra) {
    const e = splitHost(entry.trim().toLowerCase());
    if (e !== null && e.host === host && (e.port === null || e.port === (port ?? 80))) return true;
  }
  if ((port ?? 80) !== o.port) return false;
  const listen = o.listenHost.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (host === listen || LOOPBACK.includes(host)) return true;
  return WILDCARD.includes(listen) && isIP(host) !== 0;
}

/** "name:port", "[v6]:port", "name" → parts; null when malformed. */
function splitHost(h: string): { host: string; port: number | null } | null {
  let host: string;
  let portText: string | undefined;
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    if (end < 0) return null;
    host = h.slice(1, end);
    const rest = h.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return null;
    portText = rest === "" ? undefined : rest.slice(1);
  } else {
    const colon = h.lastIndexOf(":");
    if (colon >= 0 && h.indexOf(":") !== colon) return { host: h, port: null }; // bare IPv6 (config only)
    host = colon < 0 ? h : h.slice(0, colon);
    portText = colon < 0 ? undefined : h.slice(colon + 1);
  }
  if (host === "") return null;
  if (portText === undefined) return { host, port: null };
  if (!/^\d{1,5}$/.test(portText)) return null;
  return { host, port: Number(portText) };
}
