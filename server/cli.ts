// The `tandem` command: one composition root per subcommand, each in server/cli/.
import { Command } from "commander";
import { registerBrokerCommand } from "./cli/brokerCommand";
import { registerCoordinatorCommand } from "./cli/coordinatorCommand";

const program = new Command("tandem").description(
  "Tandem: a highly available STOMP broker cluster with a ZooKeeper-protocol coordinator",
);
registerBrokerCommand(program);
registerCoordinatorCommand(program);
await program.parseAsync(process.argv);
