/**
 * Compile-time checks of the public types (sdk/types.ts) against everything they describe: the zod input
 * schemas, the key lists, the provider's service table, the JobWaiter resource's declared outputs and
 * getJob's signature. Each `Expect<...>` is a type error when the two sides drift, so the build fails;
 * tests/types.test.ts proves that by compiling this file against mutated copies.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { inputSchemas } from "../../provider/inputs";
import type { CLOUDS, SERVICES } from "../../provider/services";
import type { getJob, getJobOutput } from "../../sdk/get-job";
import type { JobWaiter } from "../../sdk/job-waiter";
import type { InputKey, OutputKey } from "../../sdk/keys";
import type {
  Cloud,
  GetJobArgs,
  GetJobOutputArgs,
  GetJobResult,
  JobWaiterArgs,
  JobWaiterInputs,
  JobWaiterOutputs,
  JobWaiterState,
  Service,
} from "../../sdk/types";
import type { Equal, Expect, Extends } from "./assert";

type Schemas = typeof inputSchemas;
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];

// The key lists and the public types name the same fields.
export type KeyChecks = [
  Expect<Equal<InputKey, keyof JobWaiterInputs>>,
  Expect<Equal<OutputKey, keyof JobWaiterOutputs>>,
  Expect<Equal<keyof JobWaiterArgs, InputKey>>,
  Expect<Equal<keyof GetJobArgs, Exclude<InputKey, "failOnJobFailure"> | "wait">>,
  Expect<Equal<keyof GetJobOutputArgs, keyof GetJobArgs>>,
  Expect<Equal<keyof Schemas, InputKey>>,
];

// The zod schemas produce exactly the public input types (optional where public is optional) and accept
// every value the public types allow.
export type SchemaChecks = [
  Expect<Equal<{ [K in InputKey]: z.output<Schemas[K]> }, { [K in InputKey]-?: JobWaiterInputs[K] }>>,
  Expect<Extends<{ [K in InputKey]-?: JobWaiterInputs[K] }, { [K in InputKey]: z.input<Schemas[K]> }>>,
  Expect<Equal<RequiredKeys<JobWaiterInputs>, "service" | "jobId">>,
];

// The provider's own lists of services and clouds are the public unions.
export type TableChecks = [
  Expect<Equal<(typeof SERVICES)[number], Service>>,
  Expect<Equal<(typeof CLOUDS)[number], Cloud>>,
];

// The resource declares one Output per input and output key, of the public type, and nothing else.
type Declared = Exclude<keyof JobWaiter, keyof pulumi.dynamic.Resource>;
export type ResourceChecks = [
  Expect<Equal<Declared, InputKey | OutputKey>>,
  Expect<
    Equal<
      { [K in Declared]: JobWaiter[K] },
      { [K in keyof JobWaiterState]-?: pulumi.Output<JobWaiterState[K]> }
    >
  >,
  Expect<Equal<ConstructorParameters<typeof JobWaiter>[1], JobWaiterArgs>>,
];

// getJob and getJobOutput take and give the public types.
export type FunctionChecks = [
  Expect<Equal<Parameters<typeof getJob>[0], GetJobArgs>>,
  Expect<Equal<Awaited<ReturnType<typeof getJob>>, GetJobResult>>,
  Expect<Equal<Parameters<typeof getJobOutput>[0], GetJobOutputArgs>>,
  Expect<Equal<ReturnType<typeof getJobOutput>, pulumi.Output<GetJobResult>>>,
];
