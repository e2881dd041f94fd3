// Compiles the TypeScript sources to dist/ and adds the ESM entry point that re-exports the CommonJS build,
// so `import { JobWaiter } from "pulumi-job-waiter"` and `require("pulumi-job-waiter")` see the same module.
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json")],
  {
    stdio: "inherit",
  },
);
// The ESM entry's named exports are whatever the CommonJS build exports, so the two can never differ.
const names = Object.keys(createRequire(import.meta.url)(join(root, "dist/sdk/index.js"))).filter(
  (n) => n !== "__esModule" && n !== "default",
);
writeFileSync(
  join(root, "dist/sdk/index.mjs"),
  `import cjs from "./index.js";\nexport const { ${names.join(", ")} } = cjs;\nexport default cjs;\n`,
);

// Published declarations must not import zod: its CommonJS typings need esModuleInterop, which Pulumi's default
// TypeScript template does not set, so every consumer with skipLibCheck off would get dozens of errors. The
// root entry must not import ky either (ES module typings). Mark such exports `/** @internal */`: tsconfig's
// stripInternal leaves them out. tests/consumer checks the same on the packed package.
const problems = [];
for (const [entry, banned] of [
  ["dist/sdk/index.d.ts", /^(zod|ky)(\/|$)/],
  ["dist/provider/index.d.ts", /^zod(\/|$)/],
  ["dist/simulator/index.d.ts", /^zod(\/|$)/],
]) {
  const via = new Map();
  const visit = (file, from) => {
    if (via.has(file)) return;
    via.set(file, from);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
      if (spec.startsWith(".")) visit(join(dirname(file), `${spec.replace(/\.js$/, "")}.d.ts`), file);
      else if (banned.test(spec)) {
        const chain = [file];
        for (let f = via.get(file); f; f = via.get(f)) chain.push(f);
        problems.push(`${spec} imported by ${chain.map((f) => f.slice(root.length + 1)).join(" <- ")}`);
      }
    }
  };
  visit(join(root, entry), "");
}
if (problems.length > 0) {
  console.error(
    `build: published declarations import what consumers cannot type-check; mark the export /** @internal */:\n  ${problems.join("\n  ")}`,
  );
  process.exit(1);
}
// The `bin` entry: npm makes it executable on install; this makes it so in the repository too.
chmodSync(join(root, "dist/cli/main.js"), 0o755);
