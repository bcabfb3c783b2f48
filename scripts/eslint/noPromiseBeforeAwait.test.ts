// The lint rule that guards issue 9's defect 2 (a promise created before an await, handled only
// after it). Fixtures are linted with type information in a scratch project of their own.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { noPromiseBeforeAwait } from "./noPromiseBeforeAwait.mjs";

const CASES: Array<{ name: string; code: string; reported: string[] }> = [
  {
    // The receipt path as it was: asked early, awaited after the earlier receipt.
    name: "the old receipt path",
    code: `
      export function receiptAfter(gate: { awaitDurable(p: number): Promise<void> }, before: Promise<void>, pos: number): Promise<void> {
        const durable = pos >= 0 ? gate.awaitDurable(pos) : null;
        if (durable === null) return Promise.resolve();
        return (async () => {
          await before;
          if (durable) await durable;
        })();
      }`,
    reported: ["durable"],
  },
  {
    name: "an array of promises awaited after another await",
    code: `
      export async function f(xs: number[], start: (x: number) => Promise<void>, other: Promise<void>): Promise<void> {
        const all = xs.map(start);
        await other;
        await Promise.all(all);
      }`,
    reported: ["all"],
  },
  {
    name: "handled where created, awaited first, or a promise that cannot reject",
    code: `
      export async function f(g: () => Promise<void>, other: Promise<void>): Promise<void> {
        const outcome = g().then(() => null, (err: unknown) => err);
        const first = g();
        await first;
        const exited = new Promise<void>((resolve) => setTimeout(resolve, 1));
        const guarded = g();
        guarded.catch(() => undefined);
        await other;
        await outcome;
        await exited;
        await guarded;
      }`,
    reported: [],
  },
];

describe("tandem/no-promise-before-await", () => {
  let dir: string;
  let eslint: ESLint;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "lint-rule-test-"));
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "ESNext", lib: ["ES2023", "DOM"], types: [] }, include: ["*.ts"] }),
    );
    for (const [i, c] of CASES.entries()) await writeFile(join(dir, `case${i}.ts`), c.code);
    eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ["**/*.ts"],
          languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: dir } },
          plugins: { tandem: { rules: { "no-promise-before-await": noPromiseBeforeAwait } } },
          rules: { "tandem/no-promise-before-await": "error" },
        },
      ],
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    test(c.name, async () => {
      const [result] = await eslint.lintFiles([join(dir, `case${i}.ts`)]);
      const fatal = result!.messages.filter((m) => m.fatal);
      assert.deepEqual(fatal, []);
      const names = result!.messages.map((m) => /^'([^']+)'/.exec(m.message)?.[1]);
      assert.deepEqual(names, c.reported);
    });
  }
});
