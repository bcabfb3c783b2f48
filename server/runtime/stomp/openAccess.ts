import type { AccessControl } from "./StompConnection";

/**
 * Access when the cluster file defines no users: every client is anonymous and may do anything.
 * The node logs a warning at start-up; listeners still bind to loopback by default.
 */
export function openAccess(): AccessControl {
  return {
    authenticate: () => ({ user: null, groups: [] }),
    authorize: () => null,
  };
}
