// Compiles the TypeScript sources to dist/ and adds the ESM entry point that re-exports the CommonJS build,
// so `import { JobWaiter } from "pulumi-job-waiter"` and `require("pulumi-job-waiter")` see the same module.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
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
