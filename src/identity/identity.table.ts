import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, text, timestamp, uniqueIndex, boolean, bigint, jsonb } from 'drizzle-orm/pg-core';
import { states } from '../reference/reference.table.ts';

/**
 * A person who uses the platform. `stateCode` is the tenant (null for the Commission and the
 * platform's own staff); `organisation` names the referral partner or the sponsor for those roles.
 * Local accounts have a password hash (argon2id); OpenID Connect accounts are keyed by issuer + subject.
 */
export const users = pgTable(
  'users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    stateCode: text('state_code').references(() => states.code),
    organisation: text('organisation'),
    passwordHash: text('password_hash'),
    /** Base32 TOTP secret; set when the second factor is enrolled. */
    totpSecret: text('totp_secret'),
    totpEnabled: boolean('totp_enabled').notNull().default(false),
    /** The last TOTP time step accepted: a code is never accepted twice. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'string' }),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    uniqueIndex('users_username').on(sql`lower(${t.username})`),
    uniqueIndex('users_oidc').on(t.oidcIssuer, t.oidcSubject),
    check(
      'users_role',
      sql`${t.role} IN ('commission_analyst', 'state_officer', 'state_admin', 'referral_partner', 'sponsor', 'auditor', 'system_admin')`,
    ),
    check('users_state_role', sql`(${t.role} IN ('state_officer', 'state_admin')) <= (${t.stateCode} IS NOT NULL)`),
    check('users_org_role', sql`(${t.role} IN ('referral_partner', 'sponsor')) <= (${t.organisation} IS NOT NULL)`),
    // A referral partner belongs to the state of its referral agreement, a sponsor to the state that registered it (migration 0013).
    check('users_partner_state', sql`(${t.role} IN ('referral_partner', 'sponsor')) <= (${t.stateCode} IS NOT NULL)`),
  ],
);

/** A signed-in session. Only the SHA-256 of the token is stored; the token lives in the cookie. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    /** The second factor was passed in this session (or the role needs none). */
    mfaPassed: boolean('mfa_passed').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'string' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** Login attempts per source address and per username, for rate limiting (a sliding window). */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    username: text('username').notNull(),
    address: text('address').notNull(),
    succeeded: boolean('succeeded').notNull(),
  },
  (t) => [index('login_attempts_address_at').on(t.address, t.at), index('login_attempts_username_at').on(t.username, t.at)],
);

/**
 * The responses to POSTs carrying an Idempotency-Key, per principal: the same key and body replay
 * the first response; the same key with another body is refused. `status` is null while the first
 * request is still running.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: jsonb('response'),
    headers: jsonb('headers').$type<Record<string, string>>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('idempotency_keys_pk').on(t.principal, t.key)],
);
