import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { deliveries } from "./deliveries";
import { list } from "./list";
import { remove } from "./remove";
import { resend } from "./resend";
import { test } from "./test";
import { update } from "./update";
import { page } from "./page";
import { deliveriesPage } from "./deliveriesPage";

export const webhooksRouter = createTRPCRouter({ list, create, update, delete: remove, test, resend, deliveries, page, deliveriesPage });
