import { z } from "zod";

/**
 * A boolean in a request body. Not z.boolean(): the REST adapter (trpc-to-openapi) switches
 * z.boolean() inputs to Boolean() coercion, so the string "false" would read as true (e.g.
 * `allowLinkLocal: "false"` would open the metadata-address guard). A union of the two literals
 * is left alone and still a boolean to TypeScript and in the OpenAPI document.
 */
export const strictBoolean = z.union([z.literal(true), z.literal(false)]);
