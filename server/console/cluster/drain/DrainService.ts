import { adminAppError } from "../../admin/adminAppError";
import { AppError } from "../../AppError";
import type { ConsoleRuntime } from "../../ConsoleRuntime";
import type { ClusterService } from "../ClusterService";
import type { ActionImpact } from "../guard/assessNodeAction";
import type { NodeActions } from "../NodeActions";
import { DrainConflict, type DrainJob, type DrainManager } from "./DrainManager";
import { previewDrain } from "./previewDrain";
import type { DrainPlan } from "./planDrain";

export interface DrainServiceOptions {
  runtime: ConsoleRuntime;
  cluster: ClusterService;
  nodeActions: NodeActions;
}

/**
 * Draining a node (move its clients and mastership away before maintenance): the preview, and
 * the background jobs of the runtime's DrainManager behind the node check, the guard and one
 * mapping of the manager's conflicts to AppErrors.
 */
export class DrainService {
  constructor(private readonly o: DrainServiceOptions) {}

  /** What draining the node would affect, read fresh from the node; no side effects. */
  async preview(name: string): Promise<DrainPlan & { impact: ActionImpact }> {
    const cluster = this.o.cluster.attached();
    this.o.cluster.requireNode(name);
    try {
      const plan = await previewDrain(cluster, name);
      return { ...plan, impact: await this.o.nodeActions.impact(name, "drain") };
    } catch (err) {
      throw adminAppError(err, `previewing the drain of ${name}`);
    }
  }

  /** Starts a drain once the guard agrees (a typed confirmation when it takes the last master). */
  async start(name: string, confirm: string | undefined): Promise<DrainJob> {
    const drains = this.drainsFor(name);
    await this.o.nodeActions.requireConfirmation(name, "drain", confirm);
    return conflictsAsAppErrors(() => drains.start(name));
  }

  /** Cancels a drain that has not handed over yet (CONFLICT once the node stepped down). */
  cancel(name: string): DrainJob {
    const drains = this.drainsFor(name);
    return conflictsAsAppErrors(() => drains.cancel(name));
  }

  /** The node's latest drain (running or finished since the console started), or null. */
  status(name: string): DrainJob | null {
    return this.drainsFor(name).status(name);
  }

  private drainsFor(name: string): DrainManager {
    this.o.cluster.requireNode(name);
    const drains = this.o.runtime.drains;
    if (!drains) throw new AppError("UNAVAILABLE", "the cluster runtime is still starting", "NO_CLUSTER");
    return drains;
  }
}

/** The manager's conflicts (already running, too late to cancel) are CONFLICT with the reason. */
function conflictsAsAppErrors<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DrainConflict) throw new AppError("CONFLICT", err.message, "DRAIN_CONFLICT", { cause: err });
    throw err;
  }
}
