import { TERM_ZNODE } from "../../runtime/ha/GroupMember";
import type { GroupState } from "../cluster/ClusterMonitor";

/**
 * What follows when a znode Tandem uses is deleted, for the explorer's delete preview. Pure and
 * read against the live group state, so the wording is tested without a cluster. null: Tandem does
 * not use the znode (as far as this console knows).
 *
 * The behaviour described is GroupMember's: a member whose znode vanishes steps down if it was
 * master and re-registers under a new sequential znode; the group then elects again.
 */
export function znodeDeletionImpact(path: string, groups: readonly GroupState[]): string | null {
  for (const g of groups) {
    if (path === g.zkPath || g.zkPath.startsWith(`${path}/`)) {
      const master = g.master === null ? "It has no master now." : `Its master ${g.master} stops serving at once;`;
      return (
        `election path of HA group ${g.name}. ${master} every member (${g.members.length}) loses its registration and re-registers, ` +
        `so ${g.name} is without a master until a new election completes and clients fail over.`
      );
    }
    if (!path.startsWith(`${g.zkPath}/`)) continue;
    const name = path.slice(g.zkPath.length + 1);
    if (name === TERM_ZNODE) {
      return (
        `term counter of HA group ${g.name}. The next master claims a term above the highest in its own journal; ` +
        `a node whose journal lags may then claim a term number that was already used. Delete it only with the group stopped.`
      );
    }
    const member = g.members.find((m) => m.znode === path);
    if (member === undefined) return null;
    const node = member.container ?? "an unnamed node";
    const address = member.address !== null ? ` Its address record (${member.address}) goes with it.` : "";
    if (g.master !== null && g.master === member.container && member.eid === g.electedEid) {
      return (
        `member znode of ${node}, master of ${g.name}.${address} ${node} stops serving at once and re-registers as a new member; ` +
        `${g.name} elects a master again (the most up-to-date member wins) and clients fail over meanwhile.`
      );
    }
    return (
      `member znode of ${node}, slave of ${g.name}.${address} ${node} drops out of the group and re-registers under a new znode; ` +
      `until it has, the group has one replica fewer for its quorum (${g.quorum} of ${g.replicas}).`
    );
  }
  return null;
}

export interface ZkDeletePreviewItemView {
  path: string;
  ephemeralOwner: string;
  /** What the znode is in Tandem (annotateZnode), or null. */
  meaning: string | null;
  /** What follows its deletion, or null when Tandem does not use it. */
  impact: string | null;
}

/** The preview's znodes with what each is and what deleting it does, read against the live groups. */
export function describeDeletePreview(
  znodes: ReadonlyArray<{ path: string; ephemeralOwner: string }>,
  groups: readonly GroupState[],
  meaningOf: (path: string) => string | null,
): ZkDeletePreviewItemView[] {
  return znodes.map((z) => ({ ...z, meaning: meaningOf(z.path), impact: znodeDeletionImpact(z.path, groups) }));
}
