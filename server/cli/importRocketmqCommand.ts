// `tandem import-rocketmq <broker.properties...>`: prints a cluster file (YAML) built from RocketMQ
// broker .properties files (seed 002), with notes on stderr; refuses bad values with file, field, reason.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { stringify } from "yaml";
import { importBrokerProperties } from "../config/importBrokerProperties";

export function registerImportRocketmqCommand(program: Command): void {
  program
    .command("import-rocketmq")
    .description("turn RocketMQ broker .properties files into a Tandem cluster file (printed as YAML)")
    .argument("<files...>", "broker-a.properties broker-a-s.properties …")
    .action(async (files: string[]) => {
      const inputs = await Promise.all(files.map(async (f) => ({ name: basename(f), text: await readFile(f, "utf8") })));
      const r = importBrokerProperties(inputs);
      for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
      if (!r.cluster) {
        for (const e of r.errors) process.stderr.write(`error: ${e}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(stringify(r.cluster));
    });
}
