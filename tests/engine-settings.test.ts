/**
 * What a user sees at `pulumi preview` when settings from the environment are wrong: one error per setting,
 * against the setting's name, with the variable it came from, never a credential's value, no request made.
 */
import assert from "node:assert/strict";
import { engineTestsEnabled, makeProgram, newStack, pulumiBin, type Stack } from "./support/engine-harness";

const PROGRAM = `
import { JobWaiter } from "pulumi-job-waiter";
new JobWaiter("waiter", { service: "rds", jobId: "31b8ae23-c687-4d80-b7b4-42a66c9bb886" });
`;

(engineTestsEnabled ? describe : describe.skip)("engine: settings errors at preview", function () {
  this.timeout(300_000);
  let stack: Stack | undefined;
  after(() => stack?.cleanup());

  it("bad region, project ID and secret key from the environment: named with their variables, no value", async () => {
    pulumiBin();
    const secretKey = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
    stack = await newStack(makeProgram({ "index.ts": PROGRAM }), {
      env: {
        HW_ACCESS_KEY: "QTWAOYTTINDUT2QVKYUC",
        // A line break inside: refused as a secretKey problem, and the value never printed.
        HW_SECRET_KEY: `${secretKey}\nX`,
        HW_REGION_NAME: "eu-de.example.org/x#",
        HW_PROJECT_ID: "..",
      },
    });
    const r = await stack.run(["preview"]);
    assert.notEqual(r.code, 0, r.output);
    const line = (property: string) =>
      r.output.split("\n").find((l) => l.includes(`property ${property} value`) && l.includes("error:")) ??
      "";
    assert.match(line("region"), /HW_REGION_NAME: "eu-de\.example\.org\/x#" is not a region name/);
    assert.match(line("projectId"), /HW_PROJECT_ID: "\.\." is not a project ID/);
    assert.match(
      line("secretKey"),
      /secretKey from environment \(HW_\*\) HW_SECRET_KEY: contains a line break/,
    );
    assert.ok(!stack.transcript().includes(secretKey.slice(0, 12)), "the secret key never appears");
  });
});
