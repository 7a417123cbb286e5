import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createHash } from 'node:crypto';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';

/**
 * ETags and If-Match: a change names the version it was made against, and a change against an
 * older version is refused (412) instead of silently overwriting what someone else wrote.
 *
 * A case's ETag is its row id and `version` column (`"case-12-v3"`): the version check then is the
 * one `advanceCase` makes under its row lock. Other resources (a round, a state's pledges, an
 * upload) carry a hash of what they are. ETags are strong (RFC 9110 §8.8.3: If-Match compares
 * strongly); a `W/` prefix sent back is tolerated, the value must still be exact. `If-Match: *`
 * is not taken: it would name no version.
 */
export const caseEtag = (id: number, version: number): string => `"case-${id}-v${version}"`;

export function hashEtag(kind: string, value: unknown): string {
  return `"${kind}-${createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 27)}"`;
}

/** The entity-tags of an If-Match header, without `W/`; 428 when there is none. */
export function requireIfMatch(c: Context): string[] {
  const header = c.req.header('if-match');
  if (header === undefined || header.trim() === '') throw appError(ErrorCode.PreconditionRequired, 'ifMatchRequired');
  const tags = header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .filter(Boolean);
  if (tags.includes('*')) throw appError(ErrorCode.PreconditionRequired, 'ifMatchStar');
  return tags;
}

/** The version of a case an If-Match names, for this case; 412 when it names another case or none. */
export function caseVersionOf(tags: string[], caseId: number): number {
  for (const tag of tags) {
    const m = /^"case-(\d+)-v(\d+)"$/.exec(tag);
    if (m && Number(m[1]) === caseId) return Number(m[2]);
  }
  throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
}

/** 412 unless one of the tags is the resource's current ETag. */
export function assertMatches(tags: string[], current: string): void {
  if (!tags.includes(current)) throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
}

/**
 * Serialises the changes of one composite resource (a state's pledges in a round) for the rest of
 * the transaction, so that the check of its ETag and the change cannot interleave with another
 * writer's: the second waits, then sees the first's change and a new ETag (412).
 */
export { lockResource } from './etag.repository.ts';

/** The If-Match header as the OpenAPI document states it: required, but checked by `requireIfMatch` (428, not 400, when missing). */
export const ifMatchHeader = z
  .string()
  .min(1)
  .optional()
  .openapi({
    param: { name: 'If-Match', in: 'header', required: true },
    description: 'The ETag of the resource as you read it. Missing: 428. No longer the current version: 412 (read it again).',
    example: '"case-12-v3"',
  });

/** The ETag response header as the OpenAPI document states it. */
export const etagHeader = {
  ETag: { description: 'The version of the resource, for If-Match on a change.', schema: { type: 'string' as const } },
};
