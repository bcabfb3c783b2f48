import type { BridgeViewDto } from "../../../runtime/admin/bridgesSchema";
import { viewerProcedure } from "../../trpc";
import { listBridgesOutput } from "./list.schema";

/**
 * The network bridges of the cluster: each group's master runs its group's bridges (and the
 * reverse halves of duplex connectors towards it), so the masters' GET /api/v1/bridges together
 * are every bridge, both directions of each link.
 */
export const list = viewerProcedure.output(listBridgesOutput).query(async ({ ctx }) => {
  const cluster = ctx.services.cluster.attached();
  const out: { bridges: Array<BridgeViewDto & { at: number }>; unreachable: Array<{ group: string; reason: string }> } = { bridges: [], unreachable: [] };
  await Promise.all(
    cluster.groups.map(async (g) => {
      const master = cluster.masterOf(g.name);
      if (!master) {
        out.unreachable.push({ group: g.name, reason: "no master elected" });
        return;
      }
      try {
        const body = await cluster.admin.bridges(master);
        const at = Date.now();
        for (const b of body.bridges) out.bridges.push({ ...b, at });
      } catch (err) {
        out.unreachable.push({ group: g.name, reason: `${master}: ${(err as Error).message}` });
      }
    }),
  );
  out.bridges.sort((a, b) => a.localGroup.localeCompare(b.localGroup) || a.name.localeCompare(b.name));
  out.unreachable.sort((a, b) => a.group.localeCompare(b.group));
  return out;
});
