import { listPageOutput, listQueryInput } from "../../listing/listQuery.schema";
import { paginate } from "../../listing/paginate";
import { createCallerFactory, createTRPCRouter, viewerProcedure } from "../../trpc";
import { silenceView } from "./alerts.schema";
import { silences } from "./silences";

const lists = createCallerFactory(createTRPCRouter({ silences }));

/** Silences as a paged list (REST's GET /alerts/silences); `name` filters on the comment and matchers. */
export const silencesPage = viewerProcedure
  .meta({ openapi: { method: "GET", path: "/alerts/silences", tags: ["alerts"], summary: "Silences, with their matchers and time window" } })
  .input(listQueryInput(["endsAt", "startsAt"]))
  .output(listPageOutput(silenceView))
  .query(async ({ ctx, input }) =>
    paginate(await lists(ctx).silences(), input, {
      name: (s) => `${s.comment} ${Object.entries(s.matchers).map(([k, v]) => `${k}=${v}`).join(" ")}`,
      sort: { endsAt: (s) => s.endsAt.getTime(), startsAt: (s) => s.startsAt.getTime() },
    }),
  );
