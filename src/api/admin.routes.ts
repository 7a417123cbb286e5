import { createRoute, z } from '@hono/zod-openapi';
import { ROLES } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import { type AuditLine as AuditLineView, listAudit } from '../audit/audit.service.ts';
import type { Database } from '../db/db.ts';
import { createUser, disableUser, listUsers, resetTotp, setPassword } from '../identity/user.service.ts';
import { errorResponses } from './errors.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { STATES } from '../reference/state.ts';

/** Users (administrators) and the audit trail (auditors). */
const STATE_CODES = STATES.map((s) => s.code) as [string, ...string[]];
const stateQuery = z
  .enum(STATE_CODES)
  .optional()
  .openapi({ param: { name: 'state', in: 'query' }, description: 'A Member State (protocol code).' });

const User = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    stateCode: z.string().nullable(),
    organisation: z.string().nullable(),
    password: z.boolean(),
    oidc: z.boolean(),
    totpEnabled: z.boolean(),
    locked: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.string().openapi({ description: 'When the account was made (UTC, ISO 8601).' }),
  })
  .openapi('User');

const NewUser = z
  .object({
    username: z.string().regex(/^[A-Za-z0-9._@-]{2,64}$/, { message: 'username' }),
    displayName: z.string().min(1).max(200),
    role: z.enum(ROLES),
    stateCode: z.enum(STATE_CODES).nullable().optional(),
    organisation: z.string().min(1).max(100).nullable().optional(),
    password: z.string().min(12).max(200).optional(),
    oidcIssuer: z.url().optional(),
    oidcSubject: z.string().min(1).max(255).optional(),
  })
  .strict()
  .openapi('NewUser');

const AuditLine = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    role: z.string().nullable(),
    tenant: z.string().nullable(),
    action: z.string(),
    purpose: z.string().nullable(),
    stateCode: z.string().nullable(),
    subject: z.string(),
    recordIds: z.array(z.string()),
    fields: z.array(z.string()),
    details: z.record(z.string(), z.unknown()),
    chain: z.string(),
    seq: z.number().int(),
    hash: z.string(),
  })
  // The service's type is the one written by hand: the schema must give exactly it (no field missing or of another type).
  .openapi('AuditLine') satisfies z.ZodType<AuditLineView>;

const listUsersRoute = createRoute({
  method: 'get',
  path: '/api/users',
  operationId: 'listUsers',
  tags: ['users'],
  summary: "The users of a state (a state's administrator) or of the platform (the system administrator)",
  request: { query: z.object({ state: stateQuery }) },
  responses: {
    200: {
      description: 'The accounts, never their secrets.',
      content: { 'application/json': { schema: z.object({ users: z.array(User) }) } },
    },
    ...errorResponses(),
  },
});

const createUserRoute = createRoute({
  method: 'post',
  path: '/api/users',
  operationId: 'createUser',
  tags: ['users'],
  summary: 'Create an account',
  description:
    "A state's administrator creates its state's officers, administrators, referral partners and sponsors' accounts (a partner or sponsor names its state); the system administrator only accounts that read no personal data (commission_analyst, system_admin): any other role is refused (403). The second factor is enrolled at first sign-in.",
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: { required: true, content: { 'application/json': { schema: NewUser } } },
  },
  responses: {
    201: { description: 'Created.', content: { 'application/json': { schema: z.object({ id: z.number().int() }) } } },
    ...errorResponses(409, 422),
  },
});

const disableUserRoute = createRoute({
  method: 'post',
  path: '/api/users/disable',
  operationId: 'disableUser',
  tags: ['users'],
  summary: 'Disable an account and end its sessions',
  description:
    "The username travels in the body, never in the address (it names a person). One's own account and a state's last active administrator are refused (409).",
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ username: z.string().regex(/^[A-Za-z0-9._@-]{2,64}$/, { message: 'username' }) }).strict(),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Disabled.',
      content: { 'application/json': { schema: z.object({ id: z.number().int(), sessionsEnded: z.number().int() }) } },
    },
    ...errorResponses(404, 409, 422),
  },
});

const usernameField = z.string().regex(/^[A-Za-z0-9._@-]{2,64}$/, { message: 'username' });
const sessionsEnded = {
  200: {
    description: "Done; the account's sessions ended.",
    content: { 'application/json': { schema: z.object({ id: z.number().int(), sessionsEnded: z.number().int() }) } },
  },
};

const setPasswordRoute = createRoute({
  method: 'post',
  path: '/api/users/password',
  operationId: 'setUserPassword',
  tags: ['users'],
  summary: "Set an account's password (someone who lost theirs) and end its sessions",
  description:
    'For an administrator allowed to manage the account (the user service decides). The username travels in the body; the password is checked as at creation.',
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ username: usernameField, password: z.string().min(1).max(200) }).strict() } },
    },
  },
  responses: { ...sessionsEnded, ...errorResponses(404, 422) },
});

const resetTotpRoute = createRoute({
  method: 'post',
  path: '/api/users/totp-reset',
  operationId: 'resetUserTotp',
  tags: ['users'],
  summary: "Forget an account's authenticator (a lost phone) and end its sessions",
  description:
    'The user sets up the second factor again at the next sign-in. For an administrator allowed to manage the account (the user service decides).',
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: { required: true, content: { 'application/json': { schema: z.object({ username: usernameField }).strict() } } },
  },
  responses: { ...sessionsEnded, ...errorResponses(404, 422) },
});

const listAuditRoute = createRoute({
  method: 'get',
  path: '/api/audit',
  operationId: 'listAudit',
  tags: ['audit'],
  summary: "The audit trail of the auditor's scope, newest first",
  description:
    "A state's auditor reads its state's lines; the Commission's auditor (no state) the Commission's and the platform's own. Reading it is itself a line.",
  request: {
    query: z.object({
      state: stateQuery,
      action: z
        .string()
        .regex(/^[a-z.]{1,64}$/, { message: 'action' })
        .optional()
        .openapi({ param: { name: 'action', in: 'query' } }),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .openapi({ param: { name: 'limit', in: 'query' } }),
      before: z.coerce
        .number()
        .int()
        .min(1)
        .optional()
        .openapi({ param: { name: 'before', in: 'query' }, description: 'Lines older than this id (the next page).' }),
    }),
  },
  responses: {
    200: { description: 'The lines.', content: { 'application/json': { schema: z.object({ lines: z.array(AuditLine) }) } } },
    ...errorResponses(),
  },
});

export function adminRoutes(database: Database) {
  const app = router();

  app.openapi(listUsersRoute, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('query');
    const users = await inScope(database.db, p, (tx) => listUsers(tx, p, { stateCode: state }));
    return c.json({ users }, 200);
  });

  app.openapi({ ...createUserRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const body = c.req.valid('json');
    const created = await inScope(database.db, p, (tx) => createUser(tx, p, body));
    return c.json(created, 201);
  });

  app.openapi({ ...setPasswordRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { username, password } = c.req.valid('json');
    return c.json(await inScope(database.db, p, (tx) => setPassword(tx, p, username, password)), 200);
  });

  app.openapi({ ...resetTotpRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { username } = c.req.valid('json');
    return c.json(await inScope(database.db, p, (tx) => resetTotp(tx, p, username)), 200);
  });

  app.openapi({ ...disableUserRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const done = await inScope(database.db, p, (tx) => disableUser(tx, p, c.req.valid('json').username));
    return c.json(done, 200);
  });

  app.openapi(listAuditRoute, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const lines = await inScope(database.db, p, (tx) =>
      listAudit(tx, p, {
        stateCode: q.state ?? null,
        ...(q.action ? { action: q.action } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.before ? { before: q.before } : {}),
      }),
    );
    return c.json({ lines }, 200);
  });

  return app;
}
