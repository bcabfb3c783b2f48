import { createTRPCRouter } from "../../trpc";
import { actionPreview } from "./actionPreview";
import { group } from "./group";
import { handover } from "./handover";
import { history } from "./history";
import { node } from "./node";
import { nodeKill } from "./nodeKill";
import { nodeLogs } from "./nodeLogs";
import { nodeRestart } from "./nodeRestart";
import { nodes } from "./nodes";
import { nodeStart } from "./nodeStart";
import { nodeStop } from "./nodeStop";
import { overview } from "./overview";
import { status } from "./status";
import { topology } from "./topology";
import { nodesPage } from "./nodesPage";
import { groupsPage } from "./groupsPage";

export const clusterRouter = createTRPCRouter({ status, overview, topology, group, nodes, node, nodeStart, nodeStop, nodeKill, nodeRestart, nodeLogs, handover, actionPreview, nodesPage, groupsPage, history });
