import { z } from "zod";
import { userView } from "./userView.schema";

const username = z.string().min(1).max(64);

export const setDisabledInput = z.object({ username, disabled: z.boolean() });
export const setDisabledOutput = userView;

export const deleteUserInput = z.object({ username });
export const deleteUserOutput = z.object({ username: z.string(), deleted: z.literal(true) });

export const setBodyAccessInput = z.object({ username, canReadBodies: z.boolean() });
export const setBodyAccessOutput = userView;
