import type { ClusterConfig, GroupConfig } from "./clusterSchema";
import { groupOfEndpoints } from "./checkNetworkConnectors";
import type { NetworkConnectorConfig } from "./networkConnectorSchema";

/** Where one bridge finds the remote group's master. */
export interface BridgeRemote {
  /** The remote group's name when it is a group of this cluster (it goes on the broker path). */
  group: string | null;
  /** The group's election path: with a coordinator the bridge follows its elected master. */
  zkPath: string | null;
  /** STOMP endpoints tried in order when there is no coordinator to ask (masterslave: semantics). */
  urls: string[];
}

export type BridgeSettings = NetworkConnectorConfig & { messageTTL: number; consumerTTL: number; replayDelay: number };

/** One bridge to run: a connector's settings with defaults resolved and its remote located. */
export interface BridgeSpec {
  /** Connector name; "#<n>" for the n-th URI of a static: list, "<name>.duplex" for a reverse bridge. */
  name: string;
  remote: BridgeRemote;
  settings: BridgeSettings;
  /** Every group's direct bridge neighbours in this cluster file (both directions of duplex ones). */
  neighbours: Record<string, string[]>;
}

function zkPathOf(cluster: ClusterConfig, g: GroupConfig): string {
  return g.zkPath ?? `/tandem/${cluster.brokerName}/groups/${g.name}`;
}

function stompUrlsOf(g: GroupConfig): string[] {
  const urls: string[] = [];
  for (const n of g.nodes) {
    for (const t of n.transportConnectors) {
      if (t.uri.scheme !== "stomp") continue;
      const host = t.uri.host === "0.0.0.0" || t.uri.host === "::" ? n.hostname : t.uri.host;
      urls.push(`stomp://${host}:${t.uri.port}`);
    }
  }
  return urls;
}

function settingsOf(c: NetworkConnectorConfig): BridgeSettings {
  return { ...c, messageTTL: c.messageTTL ?? c.networkTTL, consumerTTL: c.consumerTTL ?? c.networkTTL, replayDelay: c.replayDelay ?? 5000 };
}

function groupRemote(cluster: ClusterConfig, g: GroupConfig): BridgeRemote {
  return { group: g.name, zkPath: cluster.zkAddress !== undefined && g.nodes.length > 1 ? zkPathOf(cluster, g) : null, urls: stompUrlsOf(g) };
}

function targetOf(cluster: ClusterConfig, c: NetworkConnectorConfig): GroupConfig | undefined {
  const name = c.group ?? (c.uri ? groupOfEndpoints(cluster.groups, c.uri.endpoints) : null);
  return name === null ? undefined : cluster.groups.find((x) => x.name === name);
}

/**
 * The bridges a group's master runs: its own connectors, plus the reverse half of every duplex
 * connector another group declares towards it. (ActiveMQ carries the reverse bridge on the same
 * TCP connection; Tandem's remote master runs it over its own connection, so both directions
 * have the same code, the same loss-free forwarding and the same state in the admin API.)
 *
 * `static:(a,b,c)` is one bridge per URI as in ActiveMQ, except when every URI is a listener of
 * one group of this cluster (seed 000 lists the three nodes of the other master/slave group that
 * way): only its master accepts clients, so it is one bridge following that group's master,
 * exactly what masterslave:(…) means.
 */
export function resolveNetworkConnectors(cluster: ClusterConfig, group: GroupConfig): BridgeSpec[] {
  const neighbours: Record<string, string[]> = {};
  const link = (a: string, b: string): void => {
    (neighbours[a] ??= []).includes(b) || neighbours[a]!.push(b);
  };
  for (const g of cluster.groups) {
    for (const c of g.networkConnectors ?? []) {
      const t = targetOf(cluster, c);
      if (!t) continue;
      link(g.name, t.name);
      if (c.duplex) link(t.name, g.name);
    }
  }
  const out: BridgeSpec[] = [];
  for (const c of group.networkConnectors ?? []) {
    const target = targetOf(cluster, c);
    if (target) {
      out.push({ name: c.name, remote: groupRemote(cluster, target), settings: settingsOf(c), neighbours });
      continue;
    }
    if (!c.uri) continue; // an unknown group: refused at load
    if (c.uri.kind === "masterslave") {
      out.push({ name: c.name, remote: { group: null, zkPath: null, urls: c.uri.endpoints.map((e) => e.url) }, settings: settingsOf(c), neighbours });
      continue;
    }
    c.uri.endpoints.forEach((e, i) => {
      out.push({
        name: c.uri!.endpoints.length > 1 ? `${c.name}#${i + 1}` : c.name,
        remote: { group: null, zkPath: null, urls: [e.url] },
        settings: settingsOf(c),
        neighbours,
      });
    });
  }
  for (const g of cluster.groups) {
    if (g.name === group.name) continue;
    for (const c of g.networkConnectors ?? []) {
      if (!c.duplex || targetOf(cluster, c)?.name !== group.name) continue;
      out.push({ name: `${c.name}.duplex`, remote: groupRemote(cluster, g), settings: { ...settingsOf(c), duplex: false, login: undefined, passcode: undefined }, neighbours });
    }
  }
  return out;
}
