/**
 * A coordinator session id as ZooKeeper prints it (zkCli's `stat`, the four-letter words, its
 * logs): "0x" and lower-case hex without leading zeros. One spelling everywhere, so a session seen
 * on a member znode, a node page and in a log can be matched by eye or by search.
 * Accepts hex with or without "0x" and with leading zeros; "" (no session) stays "".
 */
export function sessionIdText(hex: string | null | undefined): string {
  if (!hex) return "";
  const digits = hex.trim().toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]+$/.test(digits)) return hex;
  return `0x${digits.replace(/^0+(?=.)/, "")}`;
}
