import { createTRPCRouter } from "../../trpc";
import { active } from "./active";
import { conditions } from "./conditions";
import { createRule } from "./createRule";
import { createSilence } from "./createSilence";
import { deleteRule } from "./deleteRule";
import { expireSilence } from "./expireSilence";
import { rules } from "./rules";
import { silences } from "./silences";
import { updateRule } from "./updateRule";

export const alertsRouter = createTRPCRouter({ active, conditions, rules, createRule, updateRule, deleteRule, silences, createSilence, expireSilence });
