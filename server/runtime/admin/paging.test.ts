import assert from "node:assert/strict";
import { test } from "node:test";
import { ZodError } from "zod";
import { AdminError } from "./AdminError";
import { AdminRouter } from "./AdminRouter";
import { paginate, parsePageQuery } from "./paging";

const rows = [{ n: "b", v: 2 }, { n: "a", v: 3 }, { n: "c", v: 1 }];
const opts = { sortKeys: { n: (r: { n: string }) => r.n, v: (r: { v: number }) => r.v }, filterText: (r: { n: string }) => r.n, defaultSort: "n" };

test("paginate sorts, filters and slices, reporting the filtered total", () => {
  const q = parsePageQuery(new URLSearchParams("sort=v&order=desc&limit=2"), {});
  assert.deepEqual(paginate(rows, q, opts as never), { total: 3, offset: 0, limit: 2, items: [rows[1], rows[0]] });
  const f = parsePageQuery(new URLSearchParams("filter=C"), {});
  assert.deepEqual(paginate(rows, f, opts as never).items, [rows[2]]);
  assert.deepEqual(paginate(rows, parsePageQuery(new URLSearchParams("offset=2"), {}), opts as never).items, [rows[2]]);
});

test("bad paging input is refused", () => {
  assert.throws(() => parsePageQuery(new URLSearchParams("limit=1001"), {}), ZodError);
  assert.throws(() => parsePageQuery(new URLSearchParams("offset=-1"), {}), ZodError);
  assert.throws(() => parsePageQuery(new URLSearchParams("unknown=1"), {}), ZodError);
  assert.throws(() => parsePageQuery(new URLSearchParams("limit=1&limit=2"), {}), AdminError);
  assert.throws(() => paginate(rows, parsePageQuery(new URLSearchParams("sort=zzz"), {}), opts as never), /cannot sort by "zzz"/);
});

test("router: params are URL-decoded; wrong method and bad encoding are told apart", () => {
  const r = new AdminRouter().add("GET", "/api/v1/destinations/:dest/messages/:id", () => 1).add("DELETE", "/api/v1/destinations/:dest", () => 2);
  const m = r.match("GET", "/api/v1/destinations/%2Fqueue%2Fa.b/messages/ID%3Ax-1");
  assert.equal(m.kind, "found");
  assert.deepEqual(m.kind === "found" && m.params, { dest: "/queue/a.b", id: "ID:x-1" });
  assert.deepEqual(r.match("GET", "/api/v1/destinations/x"), { kind: "method_not_allowed", allowed: ["DELETE"] });
  assert.equal(r.match("GET", "/api/v1/destinations/%E0%A4%A/messages/1").kind, "bad_path");
  assert.equal(r.match("GET", "/api/v2/x").kind, "not_found");
});
