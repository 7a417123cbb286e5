import type { Command } from 'commander';
import type { Principal } from '../access/principal.ts';
import type { ApiClient } from '../api/client.ts';
import type { Config } from '../config/config.ts';
import type { ConfigPreview } from '../config/defaults.ts';
import type { Database } from '../db/db.ts';
import type { Translate } from '../i18n/i18n.ts';
import type { Lang } from '../reference/country.ts';

/** Where a command writes: its output, its messages, and whether stderr is a terminal (progress bars only there). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  tty: boolean;
  /**
   * The embedded database of `--data`, already open, for a caller that runs many commands in one
   * process on one folder (the tests' runner, test/cli-run.ts): the commands use it and leave it open.
   * A program run has none, and each command opens and closes the folder's database itself.
   */
  database?: Database;
}

/** What a command module needs of the CLI around it (src/cli/main.ts). */
export interface CommandContext {
  withDb: <T>(cmd: Command, work: (d: Database) => Promise<T>) => Promise<T>;
  actor: Principal;
  out: (s: string) => void;
  t: () => Translate;
  /** The language of the output, once the command's options are read (--lang, else PATHWAYS_LANG). */
  lang: () => Lang;
}

/** The remote mode's calls (`--server`), loaded with the API client when a command uses them. */
export type Remote = typeof import('./remote.ts');

/** What the commands that main registered inline before need besides: the remote mode, the configuration, the terminal. */
export interface CliContext extends CommandContext {
  io: Io;
  /** The validated configuration: read in a command's action (the preAction hook validates it). */
  config: Config;
  /** The configuration's values as the help shows them, before it is validated. */
  preview: ConfigPreview;
  env: NodeJS.ProcessEnv;
  /**
   * A command that also works against a running instance (`--server`): through the API's client,
   * else on the database. Either way the same presenters print the data.
   */
  either: <T>(cmd: Command, local: (d: Database) => Promise<T>, remote: (api: ApiClient, r: Remote) => Promise<T>) => Promise<T>;
  /** Over the API a case's state cannot be looked up across states: it must be named. */
  stateForServer: (state: string | undefined) => string;
  /** Reads the global options a command acts on (--lang) when it opens no database itself (serve). */
  readGlobals: (cmd: Command) => { data: string; lang?: string };
}
