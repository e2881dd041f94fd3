import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The package's own version, read once; `User-Agent: pulumi-job-waiter/<version>`. */
export const PACKAGE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
})();

export const USER_AGENT = `pulumi-job-waiter/${PACKAGE_VERSION}`;
