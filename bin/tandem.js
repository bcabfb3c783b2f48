#!/usr/bin/env -S node --max-semi-space-size=2
// `tandem` entry: registers tsx so the TypeScript sources run as they are, then hands over to server/cli.ts.
//
// The V8 flag on the shebang line is for broker nodes: their garbage is mostly message bodies that
// die young, and a small young generation keeps the resident memory close to the node's memoryLimit
// (measured with a 200k-message backlog: ~254 MB peak RSS instead of ~340 MB). Whatever spawns
// nodes with `node bin/tandem.js broker …` passes the same flag (see brokerNodeArgs).
import { register } from "tsx/esm/api";

register();
await import("../server/cli.ts");
