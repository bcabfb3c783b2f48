// Cluster-wide checks of the network connectors: what one connector cannot see on its own.
import type { NetworkConnectorConfig } from "./networkConnectorSchema";

interface GroupShape {
  name: string;
  nodes: Array<{ name: string; hostname: string; transportConnectors: Array<{ uri: { scheme: string; host: string; port: number } }> }>;
  networkConnectors: NetworkConnectorConfig[];
}

/**
 * The group of this cluster whose STOMP listeners a connector's URIs name, or null when they name
 * none (a broker outside the cluster file) or several groups.
 */
export function groupOfEndpoints(groups: readonly Pick<GroupShape, "name" | "nodes">[], endpoints: ReadonlyArray<{ host: string; port: number }>): string | null {
  const found = new Set<string>();
  for (const e of endpoints) {
    let owner: string | null = null;
    for (const g of groups) {
      for (const n of g.nodes) {
        for (const t of n.transportConnectors) {
          if (t.uri.scheme !== "stomp" || t.uri.port !== e.port) continue;
          const host = t.uri.host === "0.0.0.0" || t.uri.host === "::" ? n.hostname : t.uri.host;
          if (host === e.host) owner = g.name;
        }
      }
    }
    if (owner === null) return null;
    found.add(owner);
  }
  return found.size === 1 ? [...found][0]! : null;
}

/** Issues (path + reason) for connectors that are unusable together. */
export function checkNetworkConnectors(groups: readonly GroupShape[]): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  const names = new Set(groups.map((g) => g.name));
  // Each direction between two groups is carried by one bridge: a second one would forward every
  // topic message twice and split a queue's demand between two network subscriptions.
  const directions = new Map<string, string>();
  const claim = (from: string, to: string, by: string, path: Array<string | number>): void => {
    const key = `${from}→${to}`;
    const prior = directions.get(key);
    if (prior) {
      issues.push({ path, message: `${from} → ${to} is already bridged by ${prior}; one bridge per direction (a duplex connector carries both, so declare it on one side only)` });
      return;
    }
    directions.set(key, by);
  };
  groups.forEach((g, gi) => {
    const seen = new Set<string>();
    g.networkConnectors.forEach((c, ci) => {
      const path = ["groups", gi, "networkConnectors", ci];
      if (seen.has(c.name)) issues.push({ path: [...path, "name"], message: `duplicate connector name "${c.name}" in group ${g.name}` });
      seen.add(c.name);
      let target: string | null = null;
      if (c.group !== undefined) {
        if (!names.has(c.group)) issues.push({ path: [...path, "group"], message: `no group "${c.group}" in this cluster (groups: ${[...names].join(", ")})` });
        else if (c.group === g.name) issues.push({ path: [...path, "group"], message: "a group cannot bridge to itself" });
        else target = c.group;
      } else if (c.uri) {
        target = groupOfEndpoints(groups, c.uri.endpoints);
        if (target === g.name) {
          issues.push({ path: [...path, "uri"], message: `these URIs are ${g.name}'s own listeners: a group cannot bridge to itself` });
          target = null;
        }
      }
      if (target === null) {
        // Tandem's duplex is the remote group's master running the reverse bridge (resolveNetworkConnectors),
        // so the remote must be a group this file describes.
        if (c.duplex && c.uri) issues.push({ path: [...path, "duplex"], message: "duplex needs the remote to be a group of this cluster file (its master runs the reverse bridge); these URIs name none" });
        return;
      }
      const by = `${g.name}.networkConnectors[${ci}] (${c.name})`;
      claim(g.name, target, by, path);
      if (c.duplex) claim(target, g.name, by, [...path, "duplex"]);
    });
  });
  return issues;
}

