/** `POST /iam/v3/auth/tokens`: IAM password login, scoped to the simulator's project (by name or id). */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SimulatorCredentials, TokenStore } from "./auth";
import { iamError, type Reply } from "./http";

const passwordAuthBody = z.looseObject({
  auth: z.looseObject({
    identity: z.looseObject({
      methods: z.array(z.string()),
      password: z.looseObject({
        user: z.looseObject({
          name: z.string(),
          password: z.string(),
          domain: z.looseObject({ name: z.string() }),
        }),
      }),
    }),
    scope: z.looseObject({
      project: z.looseObject({ id: z.string().optional(), name: z.string().optional() }),
    }),
  }),
});

/** IAM's `expires_at`/`issued_at`: `2026-11-24T08:00:00.000000Z` (microseconds). */
export function iamTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

const hexId = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 32);

export function passwordLogin(body: unknown, credentials: SimulatorCredentials, tokens: TokenStore): Reply {
  const parsed = passwordAuthBody.safeParse(body);
  if (!parsed.success || !parsed.data.auth.identity.methods.includes("password")) {
    return iamError(
      400,
      "Bad Request",
      'The request body is invalid: expected auth.identity.methods ["password"], auth.identity.password.user ' +
        "{name, password, domain.name} and auth.scope.project {name or id}.",
    );
  }
  const { user } = parsed.data.auth.identity.password;
  const project = parsed.data.auth.scope.project;
  if (
    user.name !== credentials.username ||
    user.password !== credentials.password ||
    user.domain.name !== credentials.domainName
  ) {
    return iamError(401, "Unauthorized", "The username or password is wrong.");
  }
  const projectMatches =
    (project.id !== undefined && project.id === credentials.projectId) ||
    (project.id === undefined && project.name === credentials.region);
  if (!projectMatches) {
    return iamError(
      400,
      "Bad Request",
      `The project in the scope does not exist or the user has no access to it (scope.project.${project.id !== undefined ? "id" : "name"}).`,
    );
  }
  const issued = tokens.issue(credentials.projectId);
  return {
    status: 201,
    headers: { "X-Subject-Token": issued.token },
    body: {
      token: {
        expires_at: iamTime(issued.expiresAt),
        issued_at: iamTime(issued.issuedAt),
        methods: ["password"],
        catalog: [],
        roles: [{ id: hexId("role:te_admin"), name: "te_admin" }],
        project: {
          id: credentials.projectId,
          name: credentials.region,
          domain: { id: hexId(`domain:${credentials.domainName}`), name: credentials.domainName },
        },
        user: {
          id: hexId(`user:${credentials.username}`),
          name: credentials.username,
          domain: { id: hexId(`domain:${credentials.domainName}`), name: credentials.domainName },
          password_expires_at: "",
        },
      },
    },
  };
}
