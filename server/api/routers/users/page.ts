import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { adminProcedure, createCallerFactory, createTRPCRouter } from "../../trpc";
import { list } from "./list";
import { userView } from "./userView.schema";

const lists = createCallerFactory(createTRPCRouter({ list }));

/** Console users as a paged list (REST's GET /users): the rows of users.list, paged. */
export const page = adminProcedure
  .meta({ openapi: { method: "GET", path: "/users", tags: ["users"], summary: "Console users and their roles" } })
  .input(listQueryInput(["name", "role", "createdAt"]))
  .output(listPageOutput(userView))
  .query(async ({ ctx, input }) =>
    paginate(await lists(ctx).list(), input, { name: (u) => u.username, sort: { name: (u) => u.username, role: (u) => u.role, createdAt: (u) => u.createdAt.getTime() } }),
  );
