import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClientEvent } from "./clientEvent";
import type { ExitRecord, FaultRecord } from "./chaosRecords";
import { checkChaos, formatChaosTable, type ChaosInput } from "./checkChaos";
import { planFaults } from "./runChaos";

const send = (id: string, t: number, attempt = 0, port = 1): ClientEvent => ({ ev: "send", id, t, port, attempt });
const receipt = (id: string, t: number, port = 1, attempt = 0): ClientEvent => ({ ev: "receipt", id, t, port, attempt });
const msg = (id: string, t: number): ClientEvent => ({ ev: "msg", id, t, port: 1, redelivered: false });
const lost = (t: number, id?: string): ClientEvent => ({ ev: "lost", t, port: 1, why: "closed", ...(id ? { id } : {}) });
const fault = (index: number, startedAt: number, endedAt: number, downPort?: number): FaultRecord => ({
  index,
  kind: "kill-master",
  victim: "mq1",
  startedAt,
  disruptedAt: startedAt,
  downPort,
  endedAt,
  steps: [],
});

function input(p: Partial<ChaosInput>): ChaosInput {
  return { producers: [], consumers: [], faults: [], exits: [], portNames: new Map([[1, "mq1"], [2, "mq2"]]), ...p };
}

test("a clean history passes; figures come from the receipts", () => {
  const v = checkChaos(
    input({
      producers: [[send("a", 0), receipt("a", 10), send("b", 20), receipt("b", 30, 1), send("c", 100), receipt("c", 1500, 2)]],
      consumers: [[msg("a", 40), msg("b", 50), msg("c", 1600)]],
      faults: [fault(0, 200, 2000, 1)],
    }),
  );
  assert.deepEqual(v.problems, []);
  assert.equal(v.acknowledged, 3);
  assert.equal(v.longestUnavailability.ms, 1470);
  assert.equal(v.perFault[0]!.failoverMs, 1300); // disruption at 200 → first receipt from mq2 at 1500
  assert.match(formatChaosTable(v), /LOST 0/);
});

test("a receipted message nobody received is lost, attributed to the faults around its receipt", () => {
  const v = checkChaos(
    input({
      producers: [[send("a", 0), receipt("a", 10, 2), send("b", 20), receipt("b", 30)]],
      consumers: [[msg("b", 40)]],
      faults: [fault(0, 5, 12, 1), fault(1, 50, 60, 2)],
    }),
  );
  assert.equal(v.ok, false);
  assert.deepEqual(v.lost, ["a"]);
  assert.match(v.problems[0]!, /LOST 1 .*mq2.*during #1 kill-master.*next fault #2.*a/);
});

test("duplicates are explained only by a connection lost during a fault", () => {
  const v = checkChaos(
    input({
      producers: [
        [
          send("a", 0), lost(100, "a"), send("a", 150, 1), receipt("a", 160), // resent after a loss at fault 1
          send("b", 300), lost(400, "b"), send("b", 450, 1), receipt("b", 460), // resent after a loss outside faults
          send("c", 500), receipt("c", 510),
          send("d", 600), receipt("d", 610),
        ],
      ],
      consumers: [[msg("a", 170), msg("a", 171), msg("b", 470), msg("b", 471), msg("c", 520), msg("d", 620), msg("d", 621), lost(1050), msg("c", 1100)]],
      faults: [fault(0, 90, 200), fault(1, 1000, 1200)],
    }),
  );
  assert.equal(v.duplicates.messages, 4);
  assert.equal(v.duplicates.byResend, 1); // a
  assert.equal(v.duplicates.byRedelivery, 1); // c: the consumer's connection dropped during fault 2
  assert.deepEqual(v.duplicates.unexplained.sort(), ["b", "d"]);
  assert.match(v.problems.join("\n"), /b \(resent after a receipt timeout outside any failover\)/);
  assert.match(v.problems.join("\n"), /d \(delivered twice on one connection\)/);
});

test("an exit the driver did not cause fails the run and shows the node's last lines", () => {
  const exits: ExitRecord[] = [
    { name: "mq1", pid: 10, code: null, signal: "SIGKILL", at: 100, expected: true, lastLines: [] },
    { name: "mq2", pid: 11, code: 1, signal: null, at: 150, expected: false, lastLines: ["unhandled rejection: exiting"] },
  ];
  const v = checkChaos(input({ exits, faults: [fault(0, 90, 200)] }));
  assert.equal(v.unexpectedExits.length, 1);
  assert.match(v.problems[0]!, /mq2 \(pid 11\) EXITED on its own \(code 1.*#1 kill-master[\s\S]*unhandled rejection/);
});

test("unknown deliveries are reported", () => {
  const v = checkChaos(input({ consumers: [[msg("zz", 1)]] }));
  assert.deepEqual(v.unknown, ["zz"]);
  assert.equal(v.ok, false);
});

test("the fault plan has every weighted kind, the asked count, and replays by seed", () => {
  const plan = planFaults(20, 42);
  assert.equal(plan.length, 20);
  for (const k of ["kill-master", "pause-master", "coordinator-restart", "stale-tail"]) assert.ok(plan.includes(k as never), k);
  assert.deepEqual(planFaults(20, 42), plan);
  assert.notDeepEqual(planFaults(20, 43), plan);
});

test("a master that stopped serving on its own explains the duplicates around it, and is reported", () => {
  const v = checkChaos(
    input({
      producers: [[send("a", 0), lost(5000, "a"), send("a", 5100, 1), receipt("a", 5200)]],
      consumers: [[msg("a", 5210), msg("a", 5220)]],
      roleChanges: [{ t: 4900, node: "mq1", change: "stopped", reason: "coordinator session suspended" }],
    }),
  );
  assert.deepEqual(v.duplicates.unexplained, []);
  assert.equal(v.duplicates.byResend, 1);
  assert.equal(v.unprovokedDemotions.length, 1);
  assert.match(formatChaosTable(v), /outside the injected faults: 1 \(mq1 .*session suspended/);
});
