import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * What axe-core finds on the page as it stands: its WCAG 2.1 A and AA rules (and its best practices
 * when asked), one line per violation: rule, impact, what it asks, the first elements. Run through
 * the DevTools protocol, so the page's Content-Security-Policy (no inline script) stays as it is.
 */
export async function axeViolations(page: Page, opts: { bestPractice?: boolean } = {}): Promise<string[]> {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', ...(opts.bestPractice ? ['best-practice'] : [])];
  // A string, not a function: the TypeScript loader names functions with a helper the page does not have.
  return page.evaluate(
    `${axeSource}; axe.run(document, { runOnly: ${JSON.stringify(tags)}, resultTypes: ['violations'] }).then((r) => r.violations.map((v) => v.id + ' [' + v.impact + '] ' + v.help + ' — ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')))`,
  ) as Promise<string[]>;
}
