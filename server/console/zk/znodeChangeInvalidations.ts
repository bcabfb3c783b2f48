import type { WatchEvent } from "../../runtime/zk/WatchEvent";
import type { LiveMessage, ZnodeQuery } from "../LiveEvents";

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

const q = (procedure: ZnodeQuery, path: string): LiveMessage => ({ type: "invalidate", path: ["zk", procedure], input: { path } });

/**
 * The explorer queries a coordinator watch event makes stale, as live-channel invalidations, so an
 * open explorer shows what another client changed without polling. A parent's listing shows each
 * child's child count, so a children change of P also refreshes P's parent. Any structural change
 * may alter an open delete preview. A lost session fired every watch: everything is refetched
 * (which re-arms the watches on the new session).
 */
export function znodeChangeInvalidations(event: WatchEvent): LiveMessage[] {
  const p = event.path;
  switch (event.type) {
    case "data_changed":
      return [q("get", p)];
    case "children_changed":
      return [q("children", p), q("get", p), q("children", parentOf(p)), { type: "invalidate", path: ["zk", "deletePreview"] }];
    case "created":
    case "deleted":
      return [q("get", p), q("children", p), q("acl", p), q("children", parentOf(p)), { type: "invalidate", path: ["zk", "deletePreview"] }];
    case "session_lost":
      return [{ type: "invalidate", path: ["zk"] }];
  }
}
