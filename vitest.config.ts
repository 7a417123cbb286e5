import { defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The migrated, seeded templates each suite copies its database from (test/template.ts); the
    // browser tests (test/browser/) open the real build of web/.
    globalSetup: ['test/global-setup.ts', 'test/browser/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // PGlite instances are memory-hungry and the machine has two cores.
    maxWorkers: 2,
    // The longest files first (test/sequencer.ts), also on a fresh clone with no durations cached.
    sequence: { sequencer: LongestFirst },
  },
});
