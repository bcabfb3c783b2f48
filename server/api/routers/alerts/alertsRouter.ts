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
import { rulesPage } from "./rulesPage";
import { silencesPage } from "./silencesPage";
import { activePage } from "./activePage";

export const alertsRouter = createTRPCRouter({ active, conditions, rules, createRule, updateRule, deleteRule, silences, createSilence, expireSilence, rulesPage, silencesPage, activePage });
