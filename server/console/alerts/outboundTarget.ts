import { lookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * Where the console may send notifications. Link-local addresses (169.254.0.0/16, fe80::/10) are
 * where cloud metadata services answer (169.254.169.254, fd00:ec2::254 is the AWS IPv6 one), so a
 * webhook URL pointing there could read the host's credentials: refused unless the webhook allows
 * it explicitly. Unspecified and multicast addresses are never a receiver.
 * The check runs on every address the name resolves to, at connect time (a custom `lookup`), so a
 * name that resolves elsewhere between a check and the request (DNS rebinding) is still refused.
 */
export function refusedAddressReason(address: string, allowLinkLocal: boolean): string | null {
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return refusedAddressReason(mapped[1]!, allowLinkLocal);
  if (NEVER.check(address, family)) return `${address} is an unspecified or multicast address`;
  if (!allowLinkLocal && LINK_LOCAL.check(address, family)) {
    return `${address} is link-local (where cloud metadata services answer); allow link-local targets on this webhook to send there`;
  }
  return null;
}

const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet("169.254.0.0", 16, "ipv4");
LINK_LOCAL.addSubnet("fe80::", 10, "ipv6");
LINK_LOCAL.addAddress("fd00:ec2::254", "ipv6");
const NEVER = new BlockList();
NEVER.addSubnet("0.0.0.0", 8, "ipv4");
NEVER.addSubnet("224.0.0.0", 4, "ipv4");
NEVER.addAddress("::", "ipv6");
NEVER.addSubnet("ff00::", 8, "ipv6");

/** A `lookup` for http.request that refuses forbidden addresses (see refusedAddressReason). */
export function guardedLookup(allowLinkLocal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as unknown as Array<{ address: string; family: number }>;
      for (const a of list) {
        const reason = refusedAddressReason(a.address, allowLinkLocal);
        if (reason) return callback(Object.assign(new Error(`refused: ${reason}`), { code: "ETANDEMREFUSED" }), "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** A URL's literal IP host is checked before any request (lookup is not called for IP literals). */
export function refusedUrlReason(url: string, allowLinkLocal: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "not a URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return `${u.protocol} is not http: or https:`;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) ? refusedAddressReason(host, allowLinkLocal) : null;
}
