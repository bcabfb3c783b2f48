import { expect, test } from "@playwright/test";
import { Message, type Consumer, type Producer } from "ali-ons";
import { logIn, startAttachedConsoleProcess, type ConsoleProcess } from "./consoleProcess";
import { closeAll, consumer, producer } from "./support/aliOnsClients";
import { RocketMqCluster } from "./support/rocketmqCluster";

const PASSWORD = "rocketmq e2e admin password";
const ADMIN_TOKEN = "rmq-console-spec-admin-token-0123456789";
const TOPIC = "SpecTopic";

/**
 * The RocketMQ page against a real two-group cluster (real broker processes) and the console
 * process attached to it: a topic created from the form is routable (ali-ons sends to it), the
 * topic and consumer-group rows show the measured numbers, a message is found by key and its body
 * shown escaped.
 */
test.describe.serial("RocketMQ view", () => {
  test.setTimeout(180_000);
  let cluster: RocketMqCluster;
  let c: ConsoleProcess;
  const clients: Array<Producer | Consumer> = [];

  test.beforeAll(async () => {
    cluster = await RocketMqCluster.start({ nodesPerGroup: 2, cluster: { adminToken: ADMIN_TOKEN } });
    await cluster.master("broker-a");
    await cluster.master("broker-b");
    c = await startAttachedConsoleProcess(cluster.zkAddress, cluster.clusterFile, ADMIN_TOKEN);
  });
  test.afterAll(async () => {
    await closeAll(clients);
    await c?.stop();
    await cluster?.stop();
  });

  test("create a topic on both groups, see its offsets and a group's lag, find a message by key", async ({ page }, info) => {
    await logIn(page, c.url, "admin", c.adminPassword, PASSWORD);
    await page.getByTestId("nav-rocketmq").click();
    await expect(page).toHaveURL(/\/rocketmq$/);
    await expect(page.getByTestId("rmq-broker-broker-a")).toContainText("broker-a at 127.0.0.1:", { timeout: 30_000 });
    await expect(page.getByTestId("rmq-broker-broker-b")).toContainText("broker-b at 127.0.0.1:");

    await page.getByTestId("rmq-create-name").fill(TOPIC);
    await page.getByTestId("rmq-create-write").fill("2");
    await page.getByTestId("rmq-create-read").fill("2");
    await page.getByTestId("rmq-create-submit").click();
    await expect(page.getByTestId("rmq-create-result")).toContainText("created on broker-a");
    await expect(page.getByTestId("rmq-create-result")).toContainText("created on broker-b");
    await expect(page.getByTestId(`rmq-topic-${TOPIC}`)).toContainText("broker-a: 2 / 2; broker-b: 2 / 2");

    const ns = cluster.nameServers();
    const p = producer(ns, "pg-spec", "prod0");
    clients.push(p);
    await p.ready();
    // The brokers re-register with the NameServers after a topic is created (through the
    // coordinator's watch): the route reaches every NameServer shortly after the form answers,
    // as in RocketMQ (registerBrokerAll). Wait for it before producing.
    await expect.poll(async () => {
      try {
        return (await p.send(new Message(TOPIC, "TagProbe", "probe"))).sendStatus;
      } catch (err) {
        return (err as Error).message;
      }
    }, { timeout: 30_000, intervals: [250, 500, 1000] }).toBe("SEND_OK");
    for (let i = 0; i < 10; i++) {
      const m = new Message(TOPIC, "TagA", i === 3 ? "<b>not bold</b> body-3" : `body-${i}`);
      (m as unknown as { keys: string[] }).keys = [`spec-key-${i}`];
      expect((await p.send(m)).sendStatus).toBe("SEND_OK");
    }
    await expect(page.getByTestId(`rmq-topic-messages-${TOPIC}`)).toHaveText("11", { timeout: 20_000 }); // the probe and the ten
    await page.getByTestId(`rmq-topic-queues-${TOPIC}`).click();
    await expect(page.getByTestId(`rmq-topic-queue-table-${TOPIC}`).locator("tbody tr")).toHaveCount(4);

    let consumed = 0;
    const cons = consumer(ns, "cg-spec", "cons0");
    clients.push(cons);
    cons.subscribe(TOPIC, "*", async () => {
      consumed++;
    });
    await expect.poll(() => consumed, { timeout: 60_000 }).toBeGreaterThanOrEqual(11);
    await expect(page.getByTestId("rmq-group-lag-cg-spec")).toHaveText("0", { timeout: 30_000 });
    await page.getByTestId("rmq-group-open-cg-spec").click();
    await expect(page.getByTestId("rmq-group-members-cg-spec")).toContainText("cons0");
    await expect(page.getByTestId("rmq-group-members-cg-spec")).toContainText(`${TOPIC}:*`);

    await page.getByTestId("rmq-query-text").fill("spec-key-3");
    await page.getByTestId("rmq-query-submit").click();
    await expect(page.getByTestId("rmq-message")).toHaveCount(1);
    await expect(page.getByTestId("message-body")).toHaveText("<b>not bold</b> body-3");
    await expect(page.getByTestId("message-body").locator("b")).toHaveCount(0);
    await page.screenshot({ path: info.outputPath("rocketmq.png"), fullPage: true });
  });
});
