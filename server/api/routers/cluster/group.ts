import { AppError } from "../../../console/AppError";
import { viewerProcedure } from "../../trpc";
import { clusterConsoleOf } from "./clusterAccess";
import { electionTimeline, replicationLinks } from "./clusterViews";
import { readInfo } from "./clusterFacts";
import { collectFacts } from "./collectFacts";
import { groupInput, groupOutput } from "./group.schema";

const TIMELINE_KINDS = ["election", "master-lost", "quorum-lost"];

/** One group: its master, election timeline, each slave's replicated position and lag, member znodes. */
export const group = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/groups/{name}", tags: ["groups"], summary: "One group: master, election timeline, replication lag, member znodes" } })
  .input(groupInput)
  .output(groupOutput)
  .query(async ({ ctx, input }) => {
    const rt = clusterConsoleOf(ctx);
    const g = rt.cluster.monitor.group(input.name);
    if (!g) throw new AppError("NOT_FOUND", `no group named ${input.name}`, "NO_GROUP");
    const facts = await collectFacts(rt.cluster, rt.name);
    const masterFacts = facts.nodes.find((n) => n.name === g.master);
    const masterInfo = masterFacts?.info ? readInfo(masterFacts.info) : null;
    const events = await ctx.services.events.search({ kinds: TIMELINE_KINDS, group: g.name, offset: 0, limit: 100 });
    return {
      name: g.name,
      zkPath: g.zkPath,
      master: g.master,
      quorum: g.quorum,
      replicas: g.replicas,
      sync: masterInfo?.ha?.sync ?? g.sync,
      nodes: g.nodes,
      electorEid: g.electorEid,
      electedEid: g.electedEid,
      masterPosition: masterInfo?.ha?.position ?? null,
      writeBytesPerSec: masterFacts?.writeRate ?? 0,
      members: g.members.map((m) => ({
        eid: m.eid, znode: m.znode, session: m.session, container: m.container, address: m.address,
        position: m.position, weight: m.weight, elected: m.elected, ctime: m.ctime,
      })),
      slaves: replicationLinks(facts).filter((l) => l.group === g.name),
      timeline: electionTimeline(g.history, events.items),
    };
  });
