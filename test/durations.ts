/**
 * `npm run test:durations`: writes test/durations.json (the order test/sequencer.ts runs the files in
 * on a machine with no durations cached) from a vitest JSON report: seconds per file, 10 s or more.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const report = JSON.parse(readFileSync(process.argv[2] ?? 'test-results/vitest.json', 'utf8')) as {
  testResults: { name: string; startTime: number; endTime: number }[];
};
const root = new URL('../', import.meta.url).pathname;
const seconds = report.testResults
  .map((t) => [relative(root, t.name), Math.round((t.endTime - t.startTime) / 1000)] as const)
  .filter(([, s]) => s >= 10)
  .sort((a, b) => b[1] - a[1]);
writeFileSync(new URL('./durations.json', import.meta.url), `${JSON.stringify(Object.fromEntries(seconds), null, 2)}\n`);
console.log(`test/durations.json: ${seconds.length} files of 10 s or more`);
