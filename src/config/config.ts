import { z } from 'zod';
import { appError } from '../i18n/problem.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { LANGS } from '../i18n/lang.ts';
import { CONFIG_DEFAULTS, shellLang } from './defaults.ts';

/**
 * The whole configuration, read once from the environment and validated at start.
 * Every bad variable is reported at once. `.env.example` documents each.
 */
const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** The application role's own URL (`pathways_app`); without it the connections of DATABASE_URL switch to that role. */
  DATABASE_APP_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PATHWAYS_DATA: z.string().min(1).default(CONFIG_DEFAULTS.PATHWAYS_DATA),
  /** The command line's language: one of the 24 (`de`); unset, the shell's locale (LC_ALL, LC_MESSAGES, LANG) where it is one of them, else English. */
  PATHWAYS_LANG: z.enum(LANGS).default(CONFIG_DEFAULTS.PATHWAYS_LANG),
  PATHWAYS_ACTOR: z.string().min(1).optional(),
  /** A running instance the command line talks to instead of the database (the CLI's --server overrides it). */
  PATHWAYS_SERVER: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL')
    .optional(),
  /** The session token the command line sends to PATHWAYS_SERVER (or --token-file). */
  PATHWAYS_TOKEN: z.string().min(20).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(CONFIG_DEFAULTS.PORT),
  HOST: z.string().min(1).default(CONFIG_DEFAULTS.HOST),
  /** Sign-in by OpenID Connect (EU Login): the provider's issuer, this client's id and secret, the callback URL registered there. */
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_REDIRECT_URI: z.url().optional(),
  /** `acr` values of the provider that mean a second factor was checked (comma-separated). */
  OIDC_STRONG_ACR: z.string().min(1).optional(),
  /** Key of the signed sign-in cookies (32+ characters); when unset, a random key per process. */
  PATHWAYS_SECRET: z.string().min(32).optional(),
  /** Months an ended sponsor and a closed family reunification request are kept before the retention job anonymises them. */
  PATHWAYS_SPONSOR_RETENTION_MONTHS: z.coerce.number().int().min(1).max(1200).default(CONFIG_DEFAULTS.PATHWAYS_SPONSOR_RETENTION_MONTHS),
  /** Hours an uploaded file not committed (valid or refused) is kept before the daily retention job deletes it. */
  PATHWAYS_UPLOAD_RETENTION_HOURS: z.coerce.number().int().min(1).max(8760).default(CONFIG_DEFAULTS.PATHWAYS_UPLOAD_RETENTION_HOURS),
  /** A Member State's instance: the file of its Ed25519 private key (PEM) that signs its returns to the Commission (`pathways returns send`; --key overrides it). */
  PATHWAYS_RETURN_KEY: z.string().min(1).optional(),
  /** The audit trail's anchors (issue 19): the signing key (made on first use) and the append-only file; default in PATHWAYS_DATA. */
  PATHWAYS_AUDIT_ANCHOR_KEY: z.string().min(1).optional(),
  PATHWAYS_AUDIT_ANCHORS: z.string().min(1).optional(),
  /** How often the server seals the audit trail's committed lines (issue 17), in milliseconds. */
  PATHWAYS_AUDIT_SEAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(CONFIG_DEFAULTS.PATHWAYS_AUDIT_SEAL_MS),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in schema.shape && v !== undefined && v !== ''));
  const shell = shellLang(env);
  if (cleaned.PATHWAYS_LANG === undefined && shell) cleaned.PATHWAYS_LANG = shell;
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw appError(ErrorCode.Configuration, 'configuration', { p1: lines.join('\n  ') });
  }
  return result.data;
}
