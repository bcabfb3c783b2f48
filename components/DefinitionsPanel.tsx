"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "./trpc";

/** Export the console's definitions as a JSON file; import one (validated, adds only what is missing). */
export function DefinitionsPanel(): ReactNode {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [exportError, setExportError] = useState<string | null>(null);
  const imp = useMutation(trpc.definitions.import.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries() }));
  const download = async (): Promise<void> => {
    try {
      const defs = await queryClient.fetchQuery({ ...trpc.definitions.export.queryOptions(), staleTime: 0 });
      const url = URL.createObjectURL(new Blob([JSON.stringify(defs, null, 2)], { type: "application/json" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `tandem-definitions-${defs.exportedAt.replace(/[:.]/g, "-")}.json`;
      a.click();
      URL.revokeObjectURL(url);
      setExportError(null);
    } catch (err) {
      setExportError((err as Error).message);
    }
  };
  const r = imp.data;
  return (
    <fieldset data-testid="definitions">
      <legend>Definitions (destinations, users without passwords, alert rules)</legend>
      <button type="button" onClick={() => void download()} data-testid="definitions-export">
        Export as JSON
      </button>
      {exportError !== null && <p className="error">{exportError}</p>}
      <p className="muted">Import adds what is missing and leaves what exists as it is; a file with any problem changes nothing.</p>
      <input
        type="file"
        accept="application/json,.json"
        onChange={(e) => void e.target.files?.[0]?.text().then(setText)}
        data-testid="definitions-file"
      />
      <textarea rows={4} value={text} onChange={(e) => setText(e.target.value)} placeholder="…or paste the JSON here" data-testid="definitions-json" />
      <button type="button" disabled={text === "" || imp.isPending} onClick={() => imp.mutate({ json: text })} data-testid="definitions-import">
        Import
      </button>
      {imp.error && <p className="error" data-testid="definitions-error">{imp.error.message}</p>}
      {r && (
        <div className="notice" data-testid="definitions-report">
          <p>
            Destinations: {r.destinations.created} created, {r.destinations.existing} already there. Users: {r.users.created} created,{" "}
            {r.users.existing} already there. Alert rules: {r.alertRules.created} created, {r.alertRules.existing} already there.
          </p>
          {r.oneTimePasswords.length > 0 && (
            <p>
              One-time passwords of the new users (shown once):{" "}
              {r.oneTimePasswords.map((p) => (
                <code key={p.username}>
                  {p.username}: {p.password}{" "}
                </code>
              ))}
            </p>
          )}
          {r.problems.map((p) => (
            <p key={p} className="error">
              {p}
            </p>
          ))}
        </div>
      )}
    </fieldset>
  );
}
