// CoordinationClient across a restart of the coordinator on the same port: only a server may end a
// session. While none is reachable the client stays "suspended" and keeps offering its session,
// however long that takes; a restarted coordinator that restored the session resumes it (same id,
// ephemerals and watches kept), one that does not know it answers "expired" and only then is the
// session "lost" and replaced.
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pino } from "pino";
import { CoordinatorServer } from "../coordinator/CoordinatorServer";
import { CoordinationClient, type SessionState } from "./CoordinationClient";
import type { WatchEvent } from "./WatchEvent";

const logger = pino({ level: process.env.TANDEM_TEST_LOG ?? "silent" });
const TICK = 100;
const SESSION_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await sleep(25);
  }
}

describe("CoordinationClient: coordinator restart", () => {
  test("down longer than the session timeout, restarted with its data: same session, ephemeral and watch kept, never 'lost'", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-cc-restart-"));
    let server: CoordinatorServer | null = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: TICK });
    const port = server.address().port;
    const client = await CoordinationClient.connect({ connectString: `127.0.0.1:${port}`, sessionTimeoutMs: SESSION_MS, logger });
    try {
      const states: SessionState[] = [];
      client.on("state", (s) => states.push(s));
      const resumed: boolean[] = [];
      client.on("reconnected", (e) => resumed.push(!e.newSession));
      await client.create("/cc-eph", Buffer.from("x"), "ephemeral");
      const events: WatchEvent[] = [];
      assert.equal(await client.exists("/cc-watched", (e) => events.push(e)), null);
      const session = client.sessionIdHex;

      await server.stop();
      server = null;
      await waitFor("suspended", () => client.state === "suspended");
      await sleep(SESSION_MS * 2); // twice the timeout with no server at all
      assert.equal(client.state, "suspended", "no server said the session ended: still suspended, not lost");

      server = await CoordinatorServer.start({ host: "127.0.0.1", port, dataDir: dir, logger, tickTime: TICK });
      await waitFor("connected again", () => client.state === "connected");
      assert.equal(client.sessionIdHex, session, "the same session resumed");
      assert.deepEqual(states, ["suspended", "connected"]);
      assert.deepEqual(resumed, [true]);
      assert.equal((await client.exists("/cc-eph"))?.ephemeralOwner, session, "its ephemeral survived");
      // The watch was re-registered with SetWatches on reconnect and still fires.
      const other = await CoordinationClient.connect({ connectString: `127.0.0.1:${port}`, sessionTimeoutMs: SESSION_MS, logger });
      try {
        await other.create("/cc-watched", null, "persistent");
      } finally {
        await other.close();
      }
      await waitFor("watch fired", () => events.length > 0);
      assert.deepEqual(events, [{ type: "created", path: "/cc-watched" }]);
    } finally {
      await client.close();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a coordinator restarted without its data (empty data dir): the session is 'lost' only once servers answer, and a new session follows", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tandem-cc-forgot-"));
    const empty = await mkdtemp(join(tmpdir(), "tandem-cc-empty-"));
    let server: CoordinatorServer | null = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir: dir, logger, tickTime: TICK });
    const port = server.address().port;
    const client = await CoordinationClient.connect({ connectString: `127.0.0.1:${port}`, sessionTimeoutMs: SESSION_MS, logger });
    try {
      const states: SessionState[] = [];
      client.on("state", (s) => states.push(s));
      // Writes: the client has seen zxids this server's replacement never had, so the new server
      // refuses its handshake outright (ZooKeeper's "client has seen zxid ... our last zxid is ...").
      for (let i = 0; i < 3; i++) await client.create(`/cc-forgot-${i}`, null, "persistent");
      const session = client.sessionIdHex;
      await server.stop();
      server = null;
      await waitFor("suspended", () => client.state === "suspended");
      // Its secret file, so the session's password would verify — but none of its state.
      await cp(join(dir, "session.secret"), join(empty, "session.secret"));
      server = await CoordinatorServer.start({ host: "127.0.0.1", port, dataDir: empty, logger, tickTime: TICK });
      // Given up after ~10 s of refused handshakes (a ZooKeeper leader election refuses the same way).
      await waitFor("a new session", () => client.state === "connected" && client.sessionIdHex !== session, 40_000);
      assert.deepEqual(states, ["suspended", "lost", "connected"]);
    } finally {
      await client.close();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
      await rm(empty, { recursive: true, force: true });
    }
  });
});
