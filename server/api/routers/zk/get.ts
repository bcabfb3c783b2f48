import { viewerProcedure } from "../../trpc";
import { getInput, getOutput } from "./get.schema";

/** Data and full Stat, like `zkCli get -s`. */
export const get = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/zk/node", tags: ["zookeeper"], summary: "A znode's data (base64) and full Stat" } })
  .input(getInput)
  .output(getOutput)
  .query(async ({ ctx, input }) => {
    const r = await ctx.services.zk.get(input.path, input.maxBytes);
    return { path: r.path, dataBase64: r.data === null ? null : r.data.toString("base64"), truncated: r.truncated, stat: r.stat, ownedByConsole: r.ownedByConsole };
  });
