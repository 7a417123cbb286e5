import { isLang, type Lang, langOfLocale } from '../i18n/lang.ts';

/** The defaults of the configuration (config.ts validates; these are its values where a variable is unset). */
export const CONFIG_DEFAULTS = {
  PATHWAYS_DATA: './.pathways',
  PATHWAYS_LANG: 'en' as Lang,
  PORT: 3000,
  HOST: '127.0.0.1',
  PATHWAYS_SPONSOR_RETENTION_MONTHS: 60,
  PATHWAYS_UPLOAD_RETENTION_HOURS: 24,
  PATHWAYS_AUDIT_SEAL_MS: 1000,
} as const;

/** What the command line shows in its help before the configuration is validated (a command validates it first). */
export interface ConfigPreview {
  PATHWAYS_DATA: string;
  PATHWAYS_LANG: Lang;
  PORT: number;
  HOST: string;
}

/** POSIX: LC_ALL overrides LC_MESSAGES, which overrides LANG. */
export function shellLang(env: NodeJS.ProcessEnv): Lang | null {
  return langOfLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG);
}

/**
 * The values the help shows, without the validator (zod) that a command loads: a set and sensible
 * value, else the default. A bad value is reported when a command runs, as before.
 */
export function previewConfig(env: NodeJS.ProcessEnv): ConfigPreview {
  const port = Number(env.PORT);
  const lang = env.PATHWAYS_LANG;
  return {
    PATHWAYS_DATA: env.PATHWAYS_DATA || CONFIG_DEFAULTS.PATHWAYS_DATA,
    PATHWAYS_LANG: lang && isLang(lang) ? lang : (shellLang(env) ?? CONFIG_DEFAULTS.PATHWAYS_LANG),
    PORT: env.PORT && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : CONFIG_DEFAULTS.PORT,
    HOST: env.HOST || CONFIG_DEFAULTS.HOST,
  };
}
