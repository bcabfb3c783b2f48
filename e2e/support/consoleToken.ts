import assert from "node:assert/strict";

/** A tRPC call as the browser makes it (the first API token can only come from a logged-in user). */
export async function trpcCall(url: string, proc: string, input: unknown, cookie = ""): Promise<{ cookie: string; data: unknown }> {
  const res = await fetch(`${url}/api/trpc/${proc}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-tandem-csrf": "1", cookie },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as { result?: { data?: { json?: unknown } }; error?: unknown };
  assert.equal(res.status, 200, `${proc}: ${JSON.stringify(body)}`);
  const set = res.headers.get("set-cookie");
  return { cookie: set ? set.split(";")[0]! : cookie, data: body.result?.data?.json };
}

/**
 * Logs in as the first admin with the one-time password the console printed, replaces it, and
 * makes an API token the way the Tokens page does. Answers the session cookie and the token.
 */
export async function firstAdminToken(url: string, oneTimePassword: string, token: { name: string; role: "viewer" | "operator" | "admin" }): Promise<{ cookie: string; token: string }> {
  const { cookie } = await trpcCall(url, "auth.login", { username: "admin", password: oneTimePassword });
  await trpcCall(url, "auth.changePassword", { currentPassword: oneTimePassword, newPassword: "console e2e password 1" }, cookie);
  const made = (await trpcCall(url, "tokens.create", { ...token, ttlDays: 1 }, cookie)).data as { token: string };
  return { cookie, token: made.token };
}
