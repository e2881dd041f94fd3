/**
 * The object Pulumi serializes into the state as `__provider`. It must stay tiny and capture nothing but a
 * path: every method loads the real implementation from the installed package when the dynamic provider host
 * calls it, so credentials, zod schemas and ky never end up in the state, and upgrading the package upgrades
 * the provider of existing stacks.
 */
import type * as pulumi from "@pulumi/pulumi";

// Where this package is installed now; only used if the host cannot resolve the package by name (a program
// that loads this package by path rather than from node_modules, like the repository's own demo).
const implementationPath = require.resolve("../provider/index.js");

export function createProviderStub(): pulumi.dynamic.ResourceProvider {
  const fallbackPath = implementationPath;
  const load = (): pulumi.dynamic.ResourceProvider => {
    let mod: { hostJobWaiterProvider(): pulumi.dynamic.ResourceProvider };
    try {
      mod = require("pulumi-job-waiter/provider");
    } catch (err) {
      if ((err as { code?: string }).code !== "MODULE_NOT_FOUND") throw err;
      mod = require(fallbackPath);
    }
    return mod.hostJobWaiterProvider();
  };
  return {
    configure: (req) => load().configure!(req),
    check: (olds, news) => load().check!(olds, news),
    diff: (id, olds, news) => load().diff!(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read!(id, props),
    update: (id, olds, news) => load().update!(id, olds, news),
    delete: (id, props) => load().delete!(id, props),
  };
}
