import { Command } from "commander";
import { registerCoordinatorCommand } from "../../cli/coordinatorCommand";
const p = new Command("t"); registerCoordinatorCommand(p); await p.parseAsync(process.argv);
