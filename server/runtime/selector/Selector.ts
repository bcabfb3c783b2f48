/** A header as the broker hands it to a selector; STOMP delivers strings, the broker may add numbers. */
export type HeaderValue = string | number | boolean | undefined;

/** Reads one header or property of the message under test. */
export type HeaderLookup = (name: string) => HeaderValue;

/** A compiled JMS message selector: true means the message is selected. */
export type Selector = (headers: HeaderLookup) => boolean;

/**
 * A value during evaluation. `null` is SQL's UNKNOWN (a missing header, or arithmetic on one):
 * it propagates through operators by three-valued logic and is never selected.
 */
export type SqlValue = string | number | boolean | null;

export type CompileResult = { ok: true; selector: Selector } | { ok: false; error: string };
