#!/usr/bin/env node
// `tandem` entry: registers tsx so the TypeScript sources run as they are, then hands over to server/cli.ts.
import { register } from "tsx/esm/api";
register();
await import("../server/cli.ts");
