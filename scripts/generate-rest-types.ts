// Regenerates e2e/support/restApiTypes.ts (openapi-typescript) from the OpenAPI document the
// console publishes at /api/v1/openapi.json. e2e/restApi.test.ts fails while the committed file
// differs from the live document, and type-checks its client calls against it, so a schema change
// that breaks clients fails CI until this is re-run and the callers are fixed.
// Run: node --import tsx scripts/generate-rest-types.ts
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { appRouter } from "../server/api/root";
import { openApiDocument } from "../server/api/rest/openApiDocument";
import { restApiTypesSource } from "../e2e/support/restApiTypesSource";

const out = path.resolve(import.meta.dirname, "../e2e/support/restApiTypes.ts");
await writeFile(out, await restApiTypesSource(openApiDocument(appRouter, { version: "generated" })));
process.stdout.write(`wrote ${out}\n`);
