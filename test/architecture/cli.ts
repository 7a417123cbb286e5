// `npm run lint:deps`: the dependency rules of ARCHITECTURE.md; exits 1 on a violation not in
// known-violations.json or on an entry there that no longer matches one.
// `npm run architecture:draw` (`--write-graph`): rewrites the folder graph in ARCHITECTURE.md.
// `--prune-known`: removes from known-violations.json the entries fixed since (the ratchet's clicks).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GRAPH_END,
  GRAPH_START,
  checkArchitecture,
  compareWithKnown,
  drawFolderGraph,
  formatViolation,
  readKnownViolations,
  rootOf,
} from './rules.ts';

const root = rootOf(import.meta.url, '../..');

if (process.argv.includes('--write-graph')) {
  const path = join(root, 'ARCHITECTURE.md');
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(GRAPH_START);
  const b = text.indexOf(GRAPH_END);
  if (a < 0 || b < a) {
    console.error(`ARCHITECTURE.md has no ${GRAPH_START} … ${GRAPH_END} block.`);
    process.exit(1);
  }
  writeFileSync(path, `${text.slice(0, a + GRAPH_START.length)}\n${drawFolderGraph(root)}\n${text.slice(b)}`);
  console.log('ARCHITECTURE.md: folder graph rewritten.');
} else if (process.argv.includes('--prune-known')) {
  // Removes the entries that match no violation any more; never adds one.
  const path = join(root, 'test/architecture/known-violations.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { violations: { rule: string; file: string }[] };
  const { stale } = compareWithKnown(checkArchitecture(root), readKnownViolations(root));
  const gone = new Set(stale.map((k) => `${k.rule} ${k.file}`));
  json.violations = json.violations.filter((k) => !gone.has(`${k.rule} ${k.file}`));
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`known-violations.json: ${gone.size} entr(ies) removed.`);
} else {
  const violations = checkArchitecture(root);
  const { fresh, stale, refused } = compareWithKnown(violations, readKnownViolations(root));
  for (const v of fresh) console.log(formatViolation(v));
  for (const k of stale)
    console.log(`stale  ${k.rule} ${k.file}: no longer a violation; remove it from test/architecture/known-violations.json`);
  for (const k of refused) console.log(`refused  ${k.rule} ${k.file}: this rule may not have known violations`);
  const known = violations.length - fresh.length;
  console.log(
    `${fresh.length} violation(s), ${stale.length} stale and ${refused.length} refused allowlist entr(ies); ${known} known violation(s) listed.`,
  );
  process.exit(fresh.length + stale.length + refused.length > 0 ? 1 : 0);
}
