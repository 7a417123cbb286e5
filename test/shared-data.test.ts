import { describe, expect, it } from 'vitest';
import { sharedData } from './shared-data.ts';

const missing = { relative: 'data/no-such-folder', probe: 'x.csv', envVar: 'PATHWAYS_NO_SUCH_DIR', why: 'no licence to ship it' };

describe('material from ../shared that may not be shipped', () => {
  it('is skipped where it is absent, and the name says why', () => {
    const d = sharedData({ ...missing, env: {} });
    expect(d.present).toBe(false);
    expect(d.skip).toBe(true);
    expect(d.title('the loader')).toBe(
      'the loader — skipped: ../shared/data/no-such-folder not present (no licence to ship it; set PATHWAYS_NO_SUCH_DIR to its folder)',
    );
  });

  it('is not skipped on CI: the tests run and fail, saying what is missing', () => {
    const d = sharedData({ ...missing, env: { CI: 'true' } });
    expect(d.skip).toBe(false);
    expect(d.title('the loader')).toBe('the loader');
    expect(() => d.require()).toThrow(/\.\.\/shared\/data\/no-such-folder is not present \(no licence to ship it\): on CI/);
  });

  it('runs where it is present', () => {
    const d = sharedData({ ...missing, probe: 'shared-data.ts', env: { PATHWAYS_NO_SUCH_DIR: new URL('.', import.meta.url).pathname } });
    expect(d.present).toBe(true);
    expect(d.skip).toBe(false);
    expect(() => d.require()).not.toThrow();
  });
});
