/**
 * A group member's znode data, as ActiveMQ's replicated store wrote it (seed 000 §3.2 shows it
 * with `get`): {"id","container","address","position","weight","elected"}. Tandem adds
 * `term` (the last term in the member's log, for the up-to-date rule), `addressTerm`,
 * `clients` (the master's STOMP URLs, for discovery) and `group`.
 */
export interface MemberData {
  id: string;
  container: string | null;
  /** Replication address while this member runs a master, else null. */
  address: string | null;
  /**
   * The term `address` (and `clients`) belong to: the member serves them as master of that term.
   * A record from an older term is stale (a demoted master that could not clear it yet): nothing
   * follows it, counts refusals against it, or removes the member for it.
   */
  addressTerm?: number | null;
  /** Journal position while no master is followed; -1 while following one. */
  position: number;
  /** Number of the last term in the member's log (0 or absent: none, or a legacy term); see termNumber. */
  term?: number;
  weight: number;
  /** Written only by the elector (lowest member): the eid it chose, or null. */
  elected: string | null;
  clients?: string[];
  group?: string;
  admin?: string | null;
}

/** Member znodes are `0` + 10 digits (the group path + "/0", EPHEMERAL_SEQUENTIAL). */
export const MEMBER_NAME = /^0\d{10}$/;

export function eidOf(name: string): string {
  return name.slice(1);
}

export function parseMemberData(data: Buffer | null): MemberData | null {
  if (!data) return null;
  try {
    const v = JSON.parse(data.toString("utf8")) as Partial<MemberData>;
    if (typeof v !== "object" || v === null) return null;
    return {
      id: String(v.id ?? ""),
      container: v.container ?? null,
      address: typeof v.address === "string" ? v.address : null,
      addressTerm: typeof v.addressTerm === "number" ? v.addressTerm : null,
      position: typeof v.position === "number" ? v.position : -1,
      // A member from before terms were published knows none: it ranks as a legacy log (0).
      term: typeof v.term === "number" ? v.term : 0,
      weight: typeof v.weight === "number" ? v.weight : 1,
      elected: typeof v.elected === "string" ? v.elected : null,
      clients: Array.isArray(v.clients) ? v.clients.map(String) : undefined,
      group: typeof v.group === "string" ? v.group : undefined,
      admin: typeof v.admin === "string" ? v.admin : null,
    };
  } catch {
    return null;
  }
}
