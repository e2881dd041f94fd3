/**
 * The key lists at runtime, and proof that the compile-time checks in tests/types/checks.ts catch a drift:
 * they compile clean as written, and fail once a public type or a key list is changed on one side only.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as ts from "typescript";
import { inputSchemas, INPUT_KEYS as PROVIDER_INPUT_KEYS } from "../provider/inputs";
import { INPUT_KEYS, JOB_IDENTITY_KEYS, OUTPUT_KEYS, WAIT_SETTING_KEYS } from "../sdk/keys";

const root = join(__dirname, "../..");
const CHECKS = join(root, "tests/types/checks.ts");

interface Mutation {
  file: string;
  edit: (text: string) => string;
}

/** Type-checks tests/types/checks.ts, optionally with one source file edited in memory; returns the errors. */
function typeChecker(): (mutation?: Mutation) => string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  assert.ok(config);
  const options = { ...config.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const parse = host.getSourceFile.bind(host);
  // Source files are parsed once and reused while their text is unchanged, so each mutated program only
  // re-parses the edited file and keeps Pulumi's and zod's declarations from the first one.
  const parsed = new Map<string, { text: string; file: ts.SourceFile | undefined }>();
  let mutation: Mutation | undefined;
  host.readFile = (f) => {
    const text = read(f);
    if (text === undefined || !mutation || f !== join(root, mutation.file)) return text;
    const edited = mutation.edit(text);
    assert.notEqual(edited, text, `the mutation of ${mutation.file} changed nothing`);
    return edited;
  };
  host.getSourceFile = (f, lang, onError) => {
    const text = host.readFile(f);
    const hit = parsed.get(f);
    if (hit && hit.text === text) return hit.file;
    const file = parse(f, lang, onError);
    if (text !== undefined) parsed.set(f, { text, file });
    return file;
  };
  let old: ts.Program | undefined;
  return (m) => {
    mutation = m;
    const program = ts.createProgram([CHECKS], options, host, old);
    old = program;
    // Only checks.ts is checked: the build checks the rest, and this keeps each round to a few seconds.
    const file = program.getSourceFile(CHECKS);
    assert.ok(file);
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map(
      (d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );
  };
}

describe("public types", () => {
  it("one key list feeds the provider's inputs, replace keys and outputs", () => {
    assert.deepEqual([...INPUT_KEYS], [...JOB_IDENTITY_KEYS, ...WAIT_SETTING_KEYS]);
    assert.deepEqual([...PROVIDER_INPUT_KEYS], [...INPUT_KEYS]);
    assert.deepEqual(Object.keys(inputSchemas), [...INPUT_KEYS]);
    assert.equal(new Set([...INPUT_KEYS, ...OUTPUT_KEYS]).size, INPUT_KEYS.length + OUTPUT_KEYS.length);
  });

  it("the compile-time checks pass as written and fail when one side drifts", function () {
    this.timeout(180_000);
    const check = typeChecker();
    assert.deepEqual(check(), []);
    const mutations: Mutation[] = [
      // A field dropped from the public inputs while the schema still validates it.
      { file: "sdk/types.ts", edit: (t) => t.replace(/^ {2}timeout\?: Duration;$/m, "") },
      // A public input type narrowed: the schema's output no longer matches.
      {
        file: "sdk/types.ts",
        edit: (t) => t.replace(/^ {2}notFoundGrace\?: Duration;$/m, "  notFoundGrace?: number;"),
      },
      // An output named in the key list but neither declared on the resource nor in the public outputs.
      { file: "sdk/keys.ts", edit: (t) => t.replace('"entities",', '"entities",\n  "extra",') },
      // A service added to the provider's table but not to the public union.
      {
        file: "provider/services.ts",
        edit: (t) => t.replace('["dds", "gaussdb", "rds"]', '["dds", "gaussdb", "rds", "dws"]'),
      },
    ];
    for (const m of mutations) {
      const errors = check(m);
      assert.ok(
        errors.some((e) => e.startsWith(CHECKS)),
        `no error in checks.ts after mutating ${m.file}:\n${errors.join("\n")}`,
      );
    }
  });
});
