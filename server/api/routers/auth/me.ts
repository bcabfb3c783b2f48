import { roleAtLeast } from "../../../console/auth/roles";
import { publicProcedure } from "../../trpc";
import { meOutput } from "./me.schema";

/** The caller and what it may do; null when not logged in. */
export const me = publicProcedure
  .meta({ openapi: { method: "GET", path: "/me", tags: ["auth"], summary: "The caller: user, role, how authenticated, and every procedure it may call (null without a valid token)", protect: false } }).output(meOutput).query(({ ctx }) => {
  const p = ctx.principal;
  if (p === null) return null;
  const allowed = [...ctx.permissions]
    .filter(([, permission]) => permission === "public" || roleAtLeast(p.role, permission))
    .map(([path]) => path)
    .sort();
  return { username: p.username, role: p.role, via: p.kind, mustChangePassword: p.mustChangePassword, canReadBodies: p.canReadBodies, allowed };
});
