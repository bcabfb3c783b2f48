/**
 * What `npm start` shows on a terminal once the console is up: where to go, how to sign in the
 * first time, and each group with its master and the client ports of its nodes — a few lines
 * the operator can read at a glance, not a screen of JSON.
 */
export interface BannerInput {
  url: string;
  /** The first admin's one-time password; null when the admin already exists. */
  password: { username: string; password: string } | null;
  groups: Array<{ name: string; master: string | null; nodes: Array<{ name: string; stomp: string[] }> }>;
}

export function consoleBanner(b: BannerInput, color: boolean): string {
  const bold = (s: string): string => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const dim = (s: string): string => (color ? `\x1b[2m${s}\x1b[0m` : s);
  const lines = ["", `  ${bold("Tandem console")}  ${bold(b.url)}`];
  if (b.password) lines.push(`  sign in as ${bold(b.password.username)} with the one-time password ${bold(b.password.password)}  ${dim("(you choose your own at first sign-in)")}`);
  const width = Math.max(0, ...b.groups.map((g) => g.name.length));
  for (const g of b.groups) {
    const nodes = g.nodes.map((n) => {
      const ports = n.stomp.map((u) => u.replace(/^[a-z+]+:\/\/[^:]*:/, "")).join("/");
      return `${n.name === g.master ? bold(`${n.name}*`) : n.name} :${ports}`;
    });
    lines.push(`  ${g.name.padEnd(width)}  master ${g.master ? bold(g.master) : "none yet (electing)"}   ${nodes.join("  ")}`);
  }
  if (b.groups.length > 0) lines.push(dim("  * master; ports are STOMP / STOMP over WebSocket for clients"));
  lines.push("");
  return lines.join("\n");
}
