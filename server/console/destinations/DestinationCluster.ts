/**
 * The part of ClusterRuntime the destination services use (ClusterRuntime satisfies it as is):
 * which groups exist, which node is each group's master right now, and a direct call to that
 * node's admin API. Narrow on purpose, so the services say exactly what they depend on.
 */
export interface DestinationCluster {
  readonly groups: ReadonlyArray<{ name: string }>;
  readonly nodes: ReadonlyArray<{ name: string; group: string }>;
  masterOf(group: string): string | null;
  admin<T = unknown>(node: string, method: string, path: string, body?: unknown): Promise<T>;
}
