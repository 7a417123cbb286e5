import type { TestProject } from 'vitest/node';
import { buildTemplates } from './template.ts';

/**
 * Once per run, before any suite: the migrated, seeded templates every suite copies its database
 * from (test/template.ts). Where they cannot be built, the suites migrate their own as before, and
 * say why they fail where the database itself is the trouble.
 */
export default async function setup(project: TestProject) {
  const started = performance.now();
  try {
    const templates = await buildTemplates(process.env.DATABASE_URL);
    project.provide('pathwaysTemplates', templates);
    const where = templates.postgres ? ` and PostgreSQL (${templates.postgres.name})` : '';
    console.log(`test databases: templates ${templates.key} for PGlite${where} ready in ${Math.round(performance.now() - started)} ms`);
  } catch (e) {
    project.provide('pathwaysTemplates', null);
    console.error(`test databases: no template (${(e as Error).message}); each suite migrates its own database.`);
  }
}
