// ESLint 9 flat config. Deliberately small: correctness rules that need type information — above
// all the promise rules, because a rejected promise nobody handles ends a Node process (issue 9:
// a demoted master killed itself through one). Style is left to review, so the lint gate never
// turns into churn.
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";
import { noPromiseBeforeAwait } from "./scripts/eslint/noPromiseBeforeAwait.mjs";

export default tseslint.config(
  {
    ignores: ["node_modules/**", ".next/**", "server/db/generated/**", "data/**", "test-results/**", "playwright-report/**"],
  },
  {
    files: ["{server,app,components,e2e,bench,scripts}/**/*.{ts,tsx,mts}"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: {
      "@typescript-eslint": tseslint.plugin,
      tandem: { rules: { "no-promise-before-await": noPromiseBeforeAwait } },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A promise whose rejection nobody observes: handle it, await it, or `void` it on purpose.
      // node:test's describe/test/it return promises the runner itself observes.
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "suite", "test", "it"] }] },
      ],
      // A promise where a boolean or a void callback is expected (an async listener's rejection
      // is unhandled; `if (promise)` is always true).
      "@typescript-eslint/no-misused-promises": "error",
      // A promise kept in a variable must be handled before the function awaits anything else.
      "tandem/no-promise-before-await": "error",
      // `await` on something that is not a promise hides a missing call or a wrong type.
      "@typescript-eslint/await-thenable": "error",
      // `return promise` inside try/catch escapes the catch; always `return await` there.
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
    },
  },
  {
    // Hooks called conditionally break React's state bookkeeping: an error. Missing effect
    // dependencies are often deliberate here (see the disable comments that say why): a warning.
    files: ["{app,components}/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
);
