// Child process for JournalCrash.test.ts: appends records from several concurrent writers and
// prints a record's id only after sync() resolved for it, i.e. only acknowledged-durable ids.
// The parent kill -9s this process at a random moment and checks the reopened journal.
import { Journal } from "./Journal";
import { crashPayload } from "./journalCrashPayload";

const WRITERS = 4;
const MAX_RECORDS = 200_000; // bounded even if the parent never kills us

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: journalCrashChild.ts <dir>");
  const journal = await Journal.open({ dir, segmentSize: 64 * 1024 });
  let nextId = 0;
  const writer = async (): Promise<void> => {
    while (nextId < MAX_RECORDS) {
      // Ids are taken at append time, so positions and ids increase together.
      const id = nextId++;
      journal.append(crashPayload(id));
      await journal.sync();
      process.stdout.write(`${id}\n`);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  await journal.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
