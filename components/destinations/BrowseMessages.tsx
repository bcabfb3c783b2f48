"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { MessageBodyView } from "./MessageBodyView";
import { Time } from "../Time";
import { useUrlNumber, useUrlState } from "../useUrlState";

const PAGE = 25;

/** Waiting messages page by page (never consumed), and the selected one's headers and body. */
export function BrowseMessages({ group, name, selected, onSelect, version }: {
  group: string; name: string; selected: string | null; onSelect: (id: string | null) => void;
  /** Changes whenever the destination's counters do (enqueued/dequeued/depth): the list follows. */
  version?: string;
}): ReactNode {
  const trpc = useTRPC();
  // Page and applied selector live in the URL; the selector being typed is local until applied.
  const [offset, setOffset] = useUrlNumber("offset", 0);
  const [applied, setApplied] = useUrlState("selector", "");
  const [selector, setSelector] = useState(applied);
  const page = useQuery(
    trpc.destinations.browse.queryOptions({ group, name, offset, limit: PAGE, selector: applied || undefined }, { placeholderData: keepPreviousData }),
  );
  // The list follows the destination: when its counters move, the page is read again (it said
  // "0 of 0" under a depth of 500 when it was read once and never again).
  const refetch = page.refetch;
  useEffect(() => {
    if (version) void refetch();
  }, [version, refetch]);
  const msg = useQuery(trpc.destinations.message.queryOptions({ group, name, id: selected ?? "" }, { enabled: selected !== null }));
  return (
    <div>
      <form
        className="dest-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(selector.trim());
          setOffset(0);
        }}
      >
        <label>
          Selector
          <input value={selector} onChange={(e) => setSelector(e.target.value)} placeholder="color = 'red'" data-testid="browse-selector" />
        </label>
        <button type="submit" data-testid="browse-apply">
          Apply
        </button>
        <button type="button" onClick={() => void page.refetch()} data-testid="browse-refresh">
          Refresh
        </button>
      </form>
      {page.error && <p className="error">{page.error.message}</p>}
      <div className="dest-browse">
        <div>
          <table data-testid="browse-table">
            <thead>
              <tr>
                <th>Message id</th>
                <th>Time</th>
                <th>Size</th>
                <th>Prio</th>
              </tr>
            </thead>
            <tbody>
              {page.data?.items.map((m) => (
                <tr key={m.id} className={m.id === selected ? "selected" : undefined} data-testid="browse-row">
                  <td>
                    <button type="button" className="link" onClick={() => onSelect(m.id)} data-testid="browse-open">
                      {m.id}
                    </button>
                    {!m.persistent && <span className="badge">non-persistent</span>}
                    {!m.inMemory && <span className="badge">paged out</span>}
                  </td>
                  <td><Time at={m.timestamp} /></td>
                  <td>{m.bodySize} B</td>
                  <td>{m.priority}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data?.total === 0 && <p className="muted" data-testid="browse-empty">No waiting messages{applied ? " match the selector" : ""}.</p>}
          <div className="dest-pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} data-testid="browse-prev">
              Previous
            </button>
            <span data-testid="browse-range">
              {page.data === undefined || page.data.total === 0 ? "0" : `${offset + 1}–${Math.min(offset + PAGE, page.data.total)}`} of {page.data?.total ?? "…"}
            </span>
            <button type="button" disabled={page.data === undefined || offset + PAGE >= page.data.total} onClick={() => setOffset(offset + PAGE)} data-testid="browse-next">
              Next
            </button>
          </div>
        </div>
        <div data-testid="message-panel">
          {selected === null ? (
            <p className="muted">Select a message to see its headers and body.</p>
          ) : msg.error ? (
            <p className="error">{msg.error.message}</p>
          ) : msg.data === undefined ? (
            <p className="muted">Loading…</p>
          ) : (
            <>
              <h3>Headers</h3>
              <table className="stat" data-testid="message-headers">
                <tbody>
                  {msg.data.headerList.map(([k, v], i) => (
                    <tr key={`${i}-${k}`}>
                      <th>{k}</th>
                      <td>{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Body</h3>
              {msg.data.bodyWithheld ? (
                <p className="notice" data-testid="message-body-withheld">
                  Body withheld ({msg.data.bodySize} bytes): your account may not read message bodies. An admin can allow it on the Users page.
                </p>
              ) : (
                <MessageBodyView bodyBase64={msg.data.bodyBase64} truncated={msg.data.truncated} bodySize={msg.data.bodySize} encoding={msg.data.encoding} />
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
