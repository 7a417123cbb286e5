import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Principal } from '../access/principal.ts';
import type { AuthVariables } from '../identity/authenticate.ts';
import { validationHook } from './errors.ts';

/** What every authenticated operation's context carries: the principal the middleware found. */
export type ApiEnv = { Variables: AuthVariables };

/** A router of one resource: its operations are validated by their schemas, failures in the one error shape. */
export const router = () => new OpenAPIHono<ApiEnv>({ defaultHook: validationHook as never });

export const principalOf = (c: Context<ApiEnv>): Principal => c.get('principal');
