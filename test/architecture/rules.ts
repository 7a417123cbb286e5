// The dependency rules of ARCHITECTURE.md ("Rules"), checked on the source text: `npm run lint:deps`
// and `test/architecture.test.ts`. Read-only: it parses files with the TypeScript compiler, it runs
// nothing. What counts as SQL is deliberately simple, so a finding is easy to explain:
// - a template tagged `sql` (drizzle's `sql\`…\``), wherever it is;
// - a call `.execute(…)`, `.query(…)`, `.select(…)`, `.selectDistinct(…)`, `.insert(…)`, `.update(…)`
//   or `.delete(…)` whose receiver is named like a database handle (`DB_HANDLE`: `db`, `tx`, `trx`,
//   `executor`, `database`, `client`, `ownerDb`, `this.db`…). A handle named otherwise is missed.
// A write is `INSERT INTO t`, `UPDATE t`, `DELETE FROM t` in any string or `sql` template (upper
// case; `t` a table name or `${table}`), or a drizzle `.insert(t)`/`.update(t)`/`.delete(t)` on a
// handle; `t` counts only when it is a known table (so `DO UPDATE SET` is no write of a table `set`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import ts from 'typescript';

export type RuleId = 'sql-outside-repository' | 'sql-in-adapter' | 'foreign-repository' | 'foreign-write' | 'folder-cycle' | 'layers';

export interface Violation {
  rule: RuleId;
  /** Relative to the root, with `/`. */
  file: string;
  line: number;
  message: string;
}

/** Tables created only by an SQL migration (no `pgTable`), by the folder that owns them. */
export const MIGRATION_TABLE_OWNERS: Record<string, string> = {
  arrivals_daily: 'state-of-play',
  arrivals_monthly: 'state-of-play',
  audit_chains: 'audit',
  audit_log: 'audit',
};

/** Files of `src/api/` that are the API's own infrastructure with tables of its own: not adapters. */
export const API_INFRASTRUCTURE = new Set([
  'src/api/idempotency.ts',
  'src/api/idempotency.repository.ts',
  'src/api/etag.ts',
  'src/api/etag.repository.ts',
]);

/** Pure rule files named other than their folder's concept (see `isPureRuleFile`). */
export const NAMED_PURE_RULES = new Set([
  'src/cases/stage.ts',
  'src/access/policy.ts',
  'src/exchange/csv-cell.ts',
  'src/open-data/disclosure-control.ts',
  'src/evaluation/forecast.ts',
  'src/evaluation/processing-times.ts',
  'src/sponsorship/criteria.ts',
  'src/placement/score.ts',
]);

/** Folders that are infrastructure, not a domain concept: their `<folder>.ts` is not a pure rule file. */
const INFRASTRUCTURE_FOLDERS = new Set(['api', 'cli', 'config', 'db', 'demo', 'i18n', 'seed', 'server', 'web']);

/** Modules a pure rule file may not import (besides repositories, tables and services). */
const IMPURE_MODULES = /^(drizzle-orm(\/.*)?|pg|@electric-sql\/pglite(\/.*)?|hono(\/.*)?|@hono\/.*|node:fs(\/promises)?|fs(\/promises)?)$/;

/** A receiver named like a database handle: `db`, `tx`, `trx`, `executor`, `database`, `client`, `ownerDb`, `this.db`. */
const DB_HANDLE = /^(db|tx|trx|executor|database|client|[a-z]+Db|[a-z]+Tx)$/;
const QUERY_METHODS = new Set(['execute', 'query']);
const BUILDER_METHODS = new Set(['select', 'selectDistinct', 'insert', 'update', 'delete']);
const WRITE_METHODS = new Set(['insert', 'update', 'delete']);
const WRITE_SQL = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?(?:\$\{([\w.]+)\}|"?([a-z_][a-z0-9_]*)"?)/g;

interface Import {
  specifier: string;
  /** Resolved to a root-relative path when relative, else the bare specifier. */
  target: string;
  line: number;
  /** Local name → exported name. */
  names: Map<string, string>;
}

interface Parsed {
  file: string;
  imports: Import[];
  /** Lines of SQL: a `sql` tagged template, `.execute(`/`.query(`, or a drizzle builder call on a db handle. */
  sqlSites: number[];
  /** Tables written: a drizzle `.insert(t)`/`.update(t)`/`.delete(t)` on a db handle, or INSERT INTO/UPDATE/DELETE FROM in a string. */
  writes: { ref: string; line: number; raw: boolean }[];
  /** Tables defined here with `pgTable('name', …)`: exported const → table name. */
  tables: Map<string, string>;
}

function walk(root: string, dir: string, keep: (f: string) => boolean): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).flatMap((f) => {
    const rel = `${dir}/${f}`;
    if (f === 'node_modules') return [];
    return statSync(join(root, rel)).isDirectory() ? walk(root, rel, keep) : keep(rel) ? [rel] : [];
  });
}

function sourceFiles(root: string, extra: Record<string, string>): Map<string, string> {
  const files = new Map<string, string>();
  const isSource = (f: string) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith('.d.ts') && f !== 'src/api/openapi.types.ts';
  for (const f of [...walk(root, 'src', isSource), ...walk(root, 'web/src', isSource)]) files.set(f, readFileSync(join(root, f), 'utf8'));
  for (const [f, text] of Object.entries(extra)) files.set(f, text);
  return files;
}

/** The last name of a receiver: `db` in `db.select`, `db` in `this.db.select`, else undefined. */
function receiverName(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

function refName(e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

function parse(file: string, text: string): Parsed {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const out: Parsed = { file, imports: [], sqlSites: [], writes: [], tables: new Map() };
  const addImport = (spec: string, node: ts.Node, names = new Map<string, string>()) => {
    const target = spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), spec)) : spec;
    out.imports.push({ specifier: spec, target, line: lineOf(node), names });
  };
  const scanSqlText = (s: string, node: ts.Node) => {
    for (const m of s.matchAll(WRITE_SQL)) out.writes.push({ ref: m[2] ?? m[3]!, line: lineOf(node), raw: m[3] !== undefined });
  };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const names = new Map<string, string>();
      const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : undefined;
      if (bindings && ts.isNamedImports(bindings))
        for (const el of bindings.elements) names.set(el.name.text, (el.propertyName ?? el.name).text);
      addImport(node.moduleSpecifier.text, node, names);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) addImport(arg.text, node);
    } else if (ts.isTaggedTemplateExpression(node) && refName(node.tag) === 'sql') {
      out.sqlSites.push(lineOf(node));
      const t = node.template;
      const s = ts.isNoSubstitutionTemplateLiteral(t)
        ? t.text
        : t.head.text + t.templateSpans.map((sp) => `\${${sp.expression.getText(sf)}}${sp.literal.text}`).join('');
      scanSqlText(s, node);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = receiverName(node.expression.expression);
      if (receiver && DB_HANDLE.test(receiver) && (QUERY_METHODS.has(method) || BUILDER_METHODS.has(method))) {
        out.sqlSites.push(lineOf(node));
        const ref = refName(node.arguments[0]);
        if (WRITE_METHODS.has(method) && ref) out.writes.push({ ref, line: lineOf(node), raw: false });
      }
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (!ts.isTaggedTemplateExpression(node.parent)) scanSqlText(node.text, node);
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isCallExpression(node.initializer)) {
      const call = node.initializer;
      const [first] = call.arguments;
      if (refName(call.expression) === 'pgTable' && first && ts.isStringLiteralLike(first)) out.tables.set(node.name.text, first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** `cases` for `src/cases/x.ts`; `web:cases` for `web/src/cases/x.tsx`; undefined for a file at the root of src/ or web/src/. */
export function folderOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] === 'src' && parts.length > 2) return parts[1];
  if (parts[0] === 'web' && parts[1] === 'src' && parts.length > 3) return `web:${parts[2]}`;
  return undefined;
}

const isRepository = (f: string) => f.endsWith('.repository.ts');
const isTable = (f: string) => f.endsWith('.table.ts');
const isService = (f: string) => f.endsWith('.service.ts');
/** Files allowed to hold SQL. */
const sqlAllowed = (f: string) => isRepository(f) || isTable(f) || f.startsWith('src/db/');
/** Adapters: routes and the rest of the HTTP API, commands, the server, the web. No SQL, no repository, no table. */
const isAdapter = (f: string) =>
  (f.startsWith('src/api/') && !API_INFRASTRUCTURE.has(f)) ||
  f.startsWith('src/cli/') ||
  f.startsWith('src/server/') ||
  f.startsWith('web/');
/** Files whose imports do not count as a folder's dependencies: the aggregate of every table for drizzle, the migrations. */
const graphExempt = (f: string) => f === 'src/db/schema.ts' || f.startsWith('src/db/migrations/');

/**
 * A pure rule file: directly in `src/<folder>/`, no role part in its name (`round.ts`, not
 * `round.service.ts`), and named as the folder's concept (the folder's name or its singular) or
 * listed in `NAMED_PURE_RULES`; not in an infrastructure folder.
 */
export function isPureRuleFile(file: string): boolean {
  const m = /^src\/([^/]+)\/([^/.]+)\.ts$/.exec(file);
  if (!m) return false;
  const [, folder, name] = m as unknown as [string, string, string];
  if (INFRASTRUCTURE_FOLDERS.has(folder)) return false;
  return name === folder || `${name}s` === folder || NAMED_PURE_RULES.has(file);
}

function parseAll(root: string, extra: Record<string, string>): Map<string, Parsed> {
  const parsed = new Map<string, Parsed>();
  for (const [f, text] of sourceFiles(root, extra)) parsed.set(f, parse(f, text));
  return parsed;
}

function fileEdges(parsed: Map<string, Parsed>): { from: string; to: string; file: string; line: number; target: string }[] {
  const out: { from: string; to: string; file: string; line: number; target: string }[] = [];
  for (const p of parsed.values()) {
    const from = folderOf(p.file);
    if (!from || graphExempt(p.file)) continue;
    for (const imp of p.imports) {
      // A table's import of another table is a foreign key: the schema's graph follows the data
      // (a person's incentives point at the person), not the calls, so it is no folder dependency.
      if (isTable(p.file) && isTable(imp.target)) continue;
      const to = imp.specifier.startsWith('.') ? folderOf(imp.target) : undefined;
      if (to && to !== from && to.startsWith('web:') === from.startsWith('web:'))
        out.push({ from, to, file: p.file, line: imp.line, target: imp.target });
    }
  }
  return out;
}

/** The folder-to-folder import edges of src/: folder → the folders it imports, sorted. */
export function folderGraph(root: string, extraFiles: Record<string, string> = {}): Map<string, string[]> {
  const graph = new Map<string, Set<string>>();
  for (const e of fileEdges(parseAll(root, extraFiles))) {
    if (e.from.startsWith('web:')) continue;
    graph.set(e.from, (graph.get(e.from) ?? new Set()).add(e.to));
  }
  return new Map([...graph].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]));
}

/** The folder graph as Markdown, one line per folder. */
export function drawFolderGraph(root: string): string {
  return [...folderGraph(root)].map(([from, tos]) => `- \`${from}\` → ${tos.map((t) => `\`${t}\``).join(', ')}`).join('\n');
}

/** Strongly connected components (Tarjan) with more than one node. */
function cycles(nodes: string[], next: (n: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let i = 0;
  const connect = (v: string): void => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) connect(n);
  return out;
}

export interface CheckOptions {
  /** Files added or replaced (root-relative path → contents), e.g. a deliberate violation in a test. */
  extraFiles?: Record<string, string>;
}

export function checkArchitecture(root: string, options: CheckOptions = {}): Violation[] {
  const parsed = parseAll(root, options.extraFiles ?? {});
  const out: Violation[] = [];
  const add = (rule: RuleId, file: string, line: number, message: string) => out.push({ rule, file, line, message });

  // Ownership: every pgTable of src/<folder>/*.table.ts, then the tables created only by migrations.
  const owner = new Map<string, string>(); // table name → folder
  const tableOfConst = new Map<string, string>(); // exported const → table name
  for (const p of parsed.values())
    for (const [constName, table] of p.tables) {
      const folder = folderOf(p.file);
      if (folder && isTable(p.file)) owner.set(table, folder);
      tableOfConst.set(constName, table);
    }
  for (const [table, folder] of Object.entries(MIGRATION_TABLE_OWNERS)) if (!owner.has(table)) owner.set(table, folder);

  for (const p of parsed.values()) {
    const f = p.file;
    const folder = folderOf(f);
    const sqlLines = [...new Set(p.sqlSites)];
    // SQL
    if (isAdapter(f)) {
      for (const line of sqlLines)
        add('sql-in-adapter', f, line, `${f} is an adapter and holds SQL; call a service of the feature instead.`);
    } else if (!sqlAllowed(f)) {
      for (const line of sqlLines)
        add('sql-outside-repository', f, line, `${f} holds SQL outside a repository; move it into the folder's *.repository.ts.`);
    }
    // Imports of repositories and tables
    for (const imp of p.imports) {
      if (!imp.specifier.startsWith('.') || !(isRepository(imp.target) || isTable(imp.target))) continue;
      if (isAdapter(f)) {
        add('sql-in-adapter', f, imp.line, `${f} is an adapter and imports ${imp.target}; call a service of the feature instead.`);
        continue;
      }
      const to = folderOf(imp.target);
      // A table may reference another folder's table for its foreign keys.
      if (graphExempt(f) || (isTable(f) && isTable(imp.target)) || !folder || to === folder) continue;
      add('foreign-repository', f, imp.line, `${f} imports ${imp.target} of the folder ${to}; call that folder's service instead.`);
    }
    // Writes
    if (f.startsWith('src/') && folder && !f.startsWith('src/db/')) {
      for (const w of p.writes) {
        const local = w.ref.includes('.') ? w.ref.split('.').pop()! : w.ref;
        const exported = p.imports.find((i) => i.names.has(local))?.names.get(local) ?? local;
        const table = w.raw ? w.ref : tableOfConst.get(exported);
        const by = table ? owner.get(table) : undefined;
        if (by && by !== folder)
          add('foreign-write', f, w.line, `${f} writes the table ${table}, owned by ${by}; call a service of ${by} instead.`);
      }
    }
    // Pure rules
    if (isPureRuleFile(f)) {
      for (const imp of p.imports) {
        const bad = IMPURE_MODULES.test(imp.specifier) || isRepository(imp.target) || isTable(imp.target) || isService(imp.target);
        if (bad)
          add('layers', f, imp.line, `${f} holds pure rules and imports ${imp.specifier}; keep I/O in the services and repositories.`);
      }
    }
  }

  // Cycles between folders, src/ and web/src/ separately (web folders never link to src folders here).
  const all = fileEdges(parsed);
  const next = new Map<string, Set<string>>();
  for (const e of all) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  for (const scc of cycles([...next.keys()].sort(), (n) => [...(next.get(n) ?? [])].sort())) {
    const inScc = new Set(scc);
    const links = all.filter((e) => inScc.has(e.from) && inScc.has(e.to));
    const first = links[0]!;
    const detail = links.map((e) => `${e.file}:${e.line} → ${e.target}`).join('; ');
    add('folder-cycle', first.file, first.line, `The folders ${scc.join(', ')} import each other in a cycle: ${detail}.`);
  }

  return out.sort((a, b) => a.rule.localeCompare(b.rule) || a.file.localeCompare(b.file) || a.line - b.line);
}

/** Rules that may have known violations listed; every other rule must have none. */
export const ALLOWLISTABLE: ReadonlySet<RuleId> = new Set(['sql-outside-repository', 'layers']);

export interface KnownViolation {
  rule: RuleId;
  file: string;
  reason: string;
}

export function readKnownViolations(root: string): KnownViolation[] {
  const path = join(root, 'test/architecture/known-violations.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { violations: KnownViolation[] };
  return json.violations;
}

/**
 * The ratchet: violations not on the list are new; entries (rule + file) that match no violation
 * are stale and must be removed, so the list only shrinks. An entry for a rule that may not have
 * known violations is refused.
 */
export function compareWithKnown(
  violations: Violation[],
  known: KnownViolation[],
): { fresh: Violation[]; stale: KnownViolation[]; refused: KnownViolation[] } {
  const key = (v: { rule: string; file: string }) => `${v.rule} ${v.file}`;
  const allowed = new Set(known.filter((k) => ALLOWLISTABLE.has(k.rule)).map(key));
  const present = new Set(violations.map(key));
  return {
    fresh: violations.filter((v) => !allowed.has(key(v))),
    stale: known.filter((k) => ALLOWLISTABLE.has(k.rule) && !present.has(key(k))),
    refused: known.filter((k) => !ALLOWLISTABLE.has(k.rule)),
  };
}

export const formatViolation = (v: Violation) => `${v.rule}  ${v.file}:${v.line}  ${v.message}`;

export const GRAPH_START = '<!-- folder-graph:start -->';
export const GRAPH_END = '<!-- folder-graph:end -->';

/** The text between the markers of ARCHITECTURE.md, trimmed. */
export function graphBlock(markdown: string): string | undefined {
  const a = markdown.indexOf(GRAPH_START);
  const b = markdown.indexOf(GRAPH_END);
  return a < 0 || b < a ? undefined : markdown.slice(a + GRAPH_START.length, b).trim();
}

export const rootOf = (metaUrl: string, up: string) => join(dirname(new URL(metaUrl).pathname), up);
