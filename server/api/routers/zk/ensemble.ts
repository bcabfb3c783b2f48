import { ensembleStatus } from "../../../console/zk/ensembleStatus";
import { viewerProcedure } from "../../trpc";
import { ensembleOutput } from "./ensemble.schema";

/** Each coordinator server's status from four-letter words (srvr always; mntr when whitelisted). */
export const ensemble = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/zk/ensemble", tags: ["zookeeper"], summary: "Each coordinator server's status" } }).output(ensembleOutput).query(async ({ ctx }) => {
  const connectString = ctx.services.zk.connectString ?? null;
  return { connectString, servers: connectString ? await ensembleStatus(connectString) : [] };
});
