-- Issue 17: the scope's function inlined into the statements that read it. Its body was a SELECT from a
-- subquery, which PostgreSQL does not inline: every call (each InitPlan of a policy, migration 0015)
-- ran as a function call of its own, 40–90 µs each, several per statement — 0.81 ms of a one-case
-- lookup's 0.34 ms once inlined. The same answer, written as one expression without FROM: the
-- operator's scope '*' is no scope at all for the application's role (migration 0012), any other value
-- is itself, unset is ''.
CREATE OR REPLACE FUNCTION pathways_tenant() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN coalesce(current_setting('pathways.tenant', true), '') = '*'
               AND (current_user = 'pathways_app' OR session_user = 'pathways_app')
              THEN '' ELSE coalesce(current_setting('pathways.tenant', true), '') END
$$;
