import { startPostgresServer } from "./postgresServer";
const s = await startPostgresServer();
console.log(s.adminUrl, await s.createDatabase("tandem_gen"));
if (process.argv[2] === "hold") { await new Promise((r) => setTimeout(r, Number(process.argv[3]) * 1000)); }
await s.stop();
console.log("stopped");
