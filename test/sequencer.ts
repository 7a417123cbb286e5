import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order the test files run in: the longest first, so that the last minutes of a run are many
 * short files spread over both workers rather than one long file with the other worker idle. Vitest
 * orders by the durations it cached from the last run on this machine; a fresh clone (CI) has none,
 * and then the durations of a measured run, kept in test/durations.json (seconds, files of 10 s or
 * more; `npm run test:durations` rewrites it from a JSON report), decide. A file not listed there is
 * taken as short.
 */
const measured = JSON.parse(readFileSync(new URL('./durations.json', import.meta.url), 'utf8')) as Record<string, number>;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cached = files.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`));
    if (cached) return super.sort(files);
    const seconds = (f: TestSpecification) => measured[relative(this.ctx.config.root, f.moduleId)] ?? 0;
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}
