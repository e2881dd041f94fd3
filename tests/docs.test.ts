/**
 * TSDoc on every exported symbol of the public entry point (sdk/index.ts) and on every member they declare:
 * class members, interface and type-literal properties (nested ones too), union variants' properties and
 * the properties behind mapped types. Checked with the TypeScript compiler API on the sources.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as ts from "typescript";

const root = join(__dirname, "../..");

/** Names (`Export.member.nested`) of public symbols without a doc comment, reachable from `entry`. */
function undocumented(entry: string, overrides: Record<string, string> = {}): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => overrides[f] ?? read(f);
  host.fileExists = (
    (exists) => (f: string) =>
      f in overrides || exists(f)
  )(host.fileExists.bind(host));
  const program = ts.createProgram([entry], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  assert.ok(source, `cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol, `${entry} is not a module`);

  const ours = (d: ts.Node) => !d.getSourceFile().fileName.includes("/node_modules/");
  const documented = (d: ts.Node) => ts.getJSDocCommentsAndTags(d).length > 0;
  const missing: string[] = [];
  const seen = new Set<ts.Node>();

  function visitSymbol(symbol: ts.Symbol, name: string): void {
    const decls = (symbol.declarations ?? []).filter(ours);
    if (decls.length === 0) return; // inherited from Pulumi or the standard library
    if (decls.some((d) => seen.has(d))) return;
    for (const d of decls) seen.add(d);
    // A parameter property (`constructor(readonly kind: ...)`) is documented by `@param` or its own comment.
    const ok = decls.some(
      (d) =>
        documented(d) ||
        (ts.isParameter(d) &&
          ts.getJSDocParameterTags(d).some((t) => t.comment !== undefined && t.comment !== "")),
    );
    if (!ok) missing.push(name);
    for (const d of decls) visitMembers(d, name);
  }

  function visitType(node: ts.TypeNode | undefined, name: string): void {
    if (!node) return;
    if (ts.isTypeLiteralNode(node)) {
      for (const m of node.members) {
        const s = m.name ? checker.getSymbolAtLocation(m.name) : undefined;
        if (s) visitSymbol(s, `${name}.${s.name}`);
      }
    } else if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) {
      for (const t of node.types) visitType(t, name);
    } else if (ts.isArrayTypeNode(node)) {
      visitType(node.elementType, name);
    }
  }

  function visitMembers(decl: ts.Node, name: string): void {
    if (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl)) {
      const classSymbol = decl.name ? checker.getSymbolAtLocation(decl.name) : undefined;
      if (!classSymbol) return;
      const instance = checker.getDeclaredTypeOfSymbol(classSymbol);
      for (const p of checker.getPropertiesOfType(instance)) visitSymbol(p, `${name}.${p.name}`);
      if (ts.isClassDeclaration(decl)) {
        const statics = checker.getTypeOfSymbolAtLocation(classSymbol, decl);
        for (const p of checker.getPropertiesOfType(statics)) {
          if (p.name !== "prototype") visitSymbol(p, `${name}.${p.name}`);
        }
        for (const c of decl.members.filter(ts.isConstructorDeclaration)) {
          if (!documented(c)) missing.push(`${name}.constructor`);
        }
      }
    } else if (ts.isTypeAliasDeclaration(decl)) {
      visitType(decl.type, name);
      // Mapped and derived types: their properties come from declarations elsewhere, which must be documented.
      if (!ts.isTypeLiteralNode(decl.type) && !ts.isUnionTypeNode(decl.type)) {
        const t = checker.getTypeAtLocation(decl.name);
        if (t.isUnion()) return;
        for (const p of checker.getPropertiesOfType(t)) visitSymbol(p, `${name}.${p.name}`);
      }
    } else if (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) {
      visitType(decl.type, name);
    }
  }

  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    visitSymbol(target, exported.name);
  }
  return missing.sort();
}

describe("TSDoc on the public API", () => {
  it("every export of sdk/index.ts and every member it declares has a doc comment", function () {
    this.timeout(120_000);
    assert.deepEqual(undocumented(join(root, "sdk/index.ts")), []);
  });

  it("the check names what is missing: exports, class and interface members, nested and mapped properties", function () {
    this.timeout(120_000);
    // Virtual files in an existing folder (module resolution checks that the folder exists).
    const dir = join(root, "tests");
    const entry = join(dir, "docs-fixture-index.ts");
    const found = undocumented(entry, {
      [entry]: `export { Bare, Shapes, type Plain, type Mapped, type Hidden2, fn, documentedFn } from "./docs-fixture-lib";`,
      [join(dir, "docs-fixture-lib.ts")]: [
        "export class Bare {",
        "  /** documented */ readonly a = 1;",
        "  readonly b = 2;",
        "  constructor(readonly c: string) {}",
        "}",
        "/** documented */",
        "export interface Shapes {",
        "  /** ok */",
        "  outer: { inner: number };",
        "  plain: string;",
        "}",
        "/** documented */",
        "export interface Plain {",
        "  x?: number;",
        "  /** ok */",
        "  y: string;",
        "}",
        "/** documented */",
        "export type Mapped = { [K in keyof Plain]: Plain[K] | null };",
        "interface Hidden { z: number }",
        "/** documented, but its properties come from an undocumented interface */",
        "export type Hidden2 = { [K in keyof Hidden]: string };",
        "export function fn(): void {}",
        "/** documented */",
        "export function documentedFn(): void {}",
      ].join("\n"),
    });
    assert.deepEqual(found, [
      "Bare",
      "Bare.b",
      "Bare.c",
      "Bare.constructor",
      "Hidden2.z",
      "Plain.x",
      "Shapes.outer.inner",
      "Shapes.plain",
      "fn",
    ]);
  });
});
