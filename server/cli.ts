// The `tandem` command: one composition root per subcommand, each in server/cli/.
import { Command } from "commander";
import { registerBrokerCommand } from "./cli/brokerCommand";
import { registerConsoleCommand } from "./cli/consoleCommand";
import { registerCoordinatorCommand } from "./cli/coordinatorCommand";
import { registerImportRocketmqCommand } from "./cli/importRocketmqCommand";

const program = new Command("tandem").description(
  "Tandem: a highly available STOMP broker cluster with a ZooKeeper-protocol coordinator",
);
registerBrokerCommand(program);
registerCoordinatorCommand(program);
registerConsoleCommand(program);
registerImportRocketmqCommand(program);
await program.parseAsync(process.argv);
