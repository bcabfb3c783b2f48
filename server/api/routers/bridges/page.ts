import { z } from "zod";
import { bridgeViewSchema } from "../../../runtime/admin/bridgesSchema";
import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { createCallerFactory, createTRPCRouter, viewerProcedure } from "../../trpc";
import { list } from "./list";

const lists = createCallerFactory(createTRPCRouter({ list }));

/**
 * Bridges as a paged list (REST's GET /bridges): the rows of bridges.list, paged. Groups whose
 * bridges could not be read are named in `unreachable`, as in bridges.list.
 */
export const page = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/bridges", tags: ["bridges"], summary: "Network bridges of every group's master, both directions of each link" } })
  .input(listQueryInput(["name", "localGroup", "state", "forwarded"]).extend({ group: z.string().max(128).optional() }))
  .output(listPageOutput(bridgeViewSchema.extend({ at: z.number() })).extend({ unreachable: z.array(z.object({ group: z.string(), reason: z.string() })) }))
  .query(async ({ ctx, input }) => {
    const all = await lists(ctx).list();
    const rows = paginate(
      all.bridges,
      input,
      { name: (b) => b.name, sort: { name: (b) => b.name, localGroup: (b) => b.localGroup, state: (b) => b.state, forwarded: (b) => b.counters.forwarded } },
      (b) => input.group === undefined || b.localGroup === input.group,
    );
    return { ...rows, unreachable: all.unreachable };
  });
