// stomp.py (Debian's python3-stomp 8.x, the client the seeds use) against a real `tandem broker`
// process, over STOMP 1.0, 1.1 and 1.2. The python side (e2e/python/stomp_interop.py) only
// observes and prints JSON; every judgement is made here.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";

// Debian's python packages (python3-stomp) are only importable by the system interpreter; a
// pyenv `python3` earlier on PATH would not see them.
const PYTHON = "/usr/bin/python3";
const SCRIPT = join(import.meta.dirname, "python", "stomp_interop.py");
const VERSIONS = ["1.0", "1.1", "1.2"] as const;
type Version = (typeof VERSIONS)[number];

interface MessageSummary {
  body: string;
  headers: Record<string, string>;
}

interface ScenarioRecord {
  scenario: string;
  ok: boolean;
  data?: Record<string, unknown>;
  error?: string;
  trace?: string;
}

/** Runs the python script and parses one JSON record per stdout line. */
function runPython(args: string[], timeoutMs: number): Promise<ScenarioRecord[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`stomp_interop.py ${args.join(" ")} exited ${code ?? signal}\n${err}\n${out}`));
        return;
      }
      resolve(out.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as ScenarioRecord));
    });
  });
}

function scenarios(version: Version): string[] {
  const all = [
    "seed_queue",
    "seed_topic",
    "client_ack",
    "client_individual",
    "nack_redelivery",
    "transactions",
    "receipts",
    "header_escaping",
    "binary_bodies",
    "durable",
  ];
  // NACK does not exist in STOMP 1.0 (stomp.Connection10 has no nack()).
  return version === "1.0" ? all.filter((s) => s !== "nack_redelivery") : all;
}

const bodies = (ms: unknown): string[] => (ms as MessageSummary[]).map((m) => m.body);
const msgs = (ms: unknown): MessageSummary[] => ms as MessageSummary[];

describe("stomp.py (python3-stomp) interop over STOMP 1.0, 1.1 and 1.2", () => {
  let broker: BrokerProcess;
  const results = new Map<Version, Map<string, ScenarioRecord>>();

  before(async () => {
    broker = await startBroker({
      policy: { connectTimeout: "5s", maxRedeliveries: 2 },
      transportOptions: { maximumConnections: 50, "wireFormat.maxFrameSize": 1048576 },
    });
    // The three versions use disjoint destinations (version + run id in every name), so they
    // run side by side on one broker.
    const runs = await Promise.all(
      VERSIONS.map((v) => runPython([String(broker.port), v, ...scenarios(v)], 60_000)),
    );
    VERSIONS.forEach((v, i) => results.set(v, new Map(runs[i]!.map((r) => [r.scenario, r]))));
  });

  after(async () => {
    await broker?.stop();
    await broker?.cleanup();
  });

  /** The scenario's data, after checking it ran to the end with no ERROR frame from the broker. */
  function data(version: Version, scenario: string): Record<string, unknown> {
    const rec = results.get(version)?.get(scenario);
    assert.ok(rec, `no result for ${scenario} over ${version}`);
    assert.ok(rec.ok, `${scenario} over ${version} raised: ${rec.error}\n${rec.trace ?? ""}`);
    assert.deepEqual(rec.data!.errors, [], `broker sent ERROR frames in ${scenario} over ${version}`);
    return rec.data!;
  }

  for (const v of VERSIONS) {
    describe(`STOMP ${v}`, () => {
      test("seed 000 §3.4: send_to_queue on one connection, receive_from_queue on another", () => {
        const d = data(v, "seed_queue");
        const m = msgs(d.messages);
        assert.deepEqual(bodies(m), ["len 123"]);
        assert.match(m[0]!.headers.destination!, /^\/queue\/SampleQueue-/);
        assert.ok(m[0]!.headers["message-id"], "MESSAGE carries a message-id");
        assert.equal(m[0]!.headers.subscription, "1");
      });

      test("seed 000 §3.4: receive_from_topic gets every send_to_topic", () => {
        const m = msgs(data(v, "seed_topic").messages);
        assert.deepEqual(bodies(m), ["topic", "topic", "topic"]);
        assert.equal(new Set(m.map((x) => x.headers["message-id"])).size, 3, "distinct message ids");
      });

      test("ack=client is cumulative; the unacked tail is redelivered after disconnect", () => {
        const d = data(v, "client_ack");
        assert.deepEqual(bodies(d.first), ["m0", "m1", "m2"]);
        const again = msgs(d.redelivered);
        assert.deepEqual(bodies(again), ["m2"], "ACK of m1 also acknowledged m0");
        assert.equal(again[0]!.headers.redelivered, "true");
        if (v === "1.2") assert.match(msgs(d.first)[0]!.headers.ack!, /\|s1$/, "1.2 ack header is <message-id>|<subscription>");
        else assert.equal(msgs(d.first)[0]!.headers.ack, undefined, "no ack header before 1.2");
      });

      test("ack=client-individual acknowledges only the named message", () => {
        const d = data(v, "client_individual");
        assert.deepEqual(bodies(d.first), ["m0", "m1", "m2"]);
        const again = msgs(d.redelivered);
        assert.deepEqual(bodies(again), ["m0", "m2"]);
        for (const m of again) assert.equal(m.headers.redelivered, "true");
      });

      if (v !== "1.0") {
        test("NACK redelivers with redelivered/delivery-count, then DLQ after maxRedeliveries", () => {
          const d = data(v, "nack_redelivery");
          const deliveries = msgs(d.deliveries);
          assert.equal(deliveries.length, 3, "1 delivery + maxRedeliveries (2) redeliveries");
          assert.equal(new Set(deliveries.map((m) => m.headers["message-id"])).size, 1, "the same message each time");
          assert.equal(deliveries[0]!.headers.redelivered, undefined);
          assert.deepEqual(deliveries.slice(1).map((m) => [m.headers.redelivered, m.headers["delivery-count"]]), [
            ["true", "2"],
            ["true", "3"],
          ]);
          assert.deepEqual(msgs(d.fourth), [], "no fourth delivery");
          const dlq = msgs(d.dlq);
          assert.deepEqual(bodies(dlq), ["poison"]);
          assert.match(dlq[0]!.headers["original-destination"]!, /^\/queue\/nack-/);
          assert.match(dlq[0]!.headers.destination!, /^\/queue\/DLQ\.nack-/);
        });
      }

      test("transactions: sends held until COMMIT, dropped on ABORT; ACK in an aborted tx redelivers", () => {
        const d = data(v, "transactions");
        assert.deepEqual(bodies(d.before_commit), ["marker-1"], "transactional sends are invisible before COMMIT");
        assert.deepEqual(bodies(d.after_commit), ["tx-1", "tx-2"]);
        assert.deepEqual(bodies(d.after_abort), ["marker-2"], "the aborted send never arrives");
        const back = msgs(d.ack_aborted_redelivery);
        assert.deepEqual(bodies(back), ["marker-2"]);
        assert.equal(back[0]!.headers.redelivered, "true");
        assert.deepEqual(bodies(d.leftover), ["marker-3"], "the committed ACK removed marker-2 for good");
      });

      test("receipts arrive for every requesting frame, in request order", () => {
        const d = data(v, "receipts");
        const sent = d.sent as string[];
        const received = d.received as string[];
        assert.deepEqual(received.slice(0, sent.length), sent);
        assert.equal(d.messages, 10);
      });

      test(v === "1.0" ? "header values with colons and non-ASCII pass through" : "header escaping round trip (: LF \\ and CR in 1.2)", () => {
        const d = data(v, "header_escaping");
        assert.deepEqual(d.received, d.sent);
        if (v === "1.2") assert.equal((d.received as Record<string, string>).carriage, "a\rb");
      });

      test("binary (with NULs) and non-ASCII bodies round trip with content-length", () => {
        const d = data(v, "binary_bodies");
        const expected = d.expected as string[];
        assert.deepEqual(d.received, expected);
        assert.deepEqual(
          d.content_length,
          expected.map((b) => String(Buffer.from(b, "base64").length)),
        );
      });

      test("a durable subscription receives what was published while it was away", () => {
        const m = msgs(data(v, "durable").messages);
        assert.deepEqual(bodies(m), ["while-away-0", "while-away-1", "while-away-2"]);
        for (const x of m) assert.equal(x.headers.persistent, "true");
      });
    });
  }

  test("the broker logged no internal error", () => {
    const internal = broker.logs.filter((l) => typeof l.level === "number" && l.level >= 50);
    assert.deepEqual(internal, []);
  });
});
