import { createTRPCRouter } from "../../trpc";
import { createTopic } from "./createTopic";
import { messages } from "./messages";
import { overview } from "./overview";
import { resend } from "./resend";
import { resetOffset } from "./resetOffset";

export const rocketmqRouter = createTRPCRouter({ overview, createTopic, resetOffset, messages, resend });
