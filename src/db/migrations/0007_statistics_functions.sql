-- Figures for the Commission from rows it may not see. The Commission's scope (EU) reads no case
-- and no person (row-level security); the pipeline, processing times and the forecast need counts
-- and stays computed from them. These functions compute them as the owner and hand back rows
-- without any reference to a person or a case: a state's scope gets its own state's rows, EU and
-- the operator every state's, any other scope nothing.
-- It reads the caller's scope itself (it cannot be passed in), widens it to the operator's for its
-- one query, and puts it back before it returns (on an error the transaction, or the savepoint,
-- rolls the setting back with everything else).
CREATE FUNCTION statistics_cases(p_round text)
RETURNS TABLE (seq int, state_code text, case_ref text, pathway text, country_of_departure text, priority text, modality text, status text, persons int, events jsonb)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  scope constant text := pathways_tenant();
BEGIN
  IF scope IN ('', 'ADMIN', 'partner', 'sponsor') THEN
    RETURN;
  END IF;
  PERFORM set_config('pathways.tenant', '*', true);
  RETURN QUERY
    SELECT (row_number() OVER (ORDER BY c.id))::int,
           c.state_code,
           CASE WHEN scope = 'EU' THEN NULL ELSE c.case_ref END,
           c.pathway, c.country_of_departure, c.priority, c.modality, c.status, m.n::int,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('status', e.to_status, 'on', e."on", 'reason', e.reason) ORDER BY e.id), '[]'::jsonb)
              FROM case_events e WHERE e.case_id = c.id)
      FROM cases c
      JOIN LATERAL (SELECT count(*) FILTER (WHERE p.excluded_reason IS NULL) AS n, min(p.round_id) AS counted
                      FROM persons p WHERE p.case_id = c.id) m ON true
     WHERE coalesce(c.round_id, m.counted) = p_round
       AND (scope IN ('EU', '*') OR c.state_code = scope);
  PERFORM set_config('pathways.tenant', scope, true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION statistics_cases(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION statistics_cases(text) TO pathways_app;
--> statement-breakpoint
-- The heads of the audit chains, for `audit verify` (the operator's scope only; the table itself is the trigger's alone).
CREATE FUNCTION audit_chains_heads() RETURNS TABLE (chain text, seq bigint, hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT chain, seq, hash FROM audit_chains WHERE pathways_tenant() = '*'
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_chains_heads() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_chains_heads() TO pathways_app;
--> statement-breakpoint
-- Who touched a data subject's records (GDPR art. 15(1)(c)), for the state that holds them: the
-- lines of the caller's own state whose record ids name the person or the case.
CREATE FUNCTION audit_lines_about(p_state text, p_person text, p_case text)
RETURNS TABLE (at text, actor text, role text, action text, purpose text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  scope constant text := pathways_tenant();
BEGIN
  IF scope <> p_state AND scope <> '*' THEN
    RETURN;
  END IF;
  PERFORM set_config('pathways.tenant', '*', true);
  RETURN QUERY
    SELECT to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), a.actor, a.role, a.action, a.purpose
      FROM audit_log a
     WHERE a.state_code = p_state AND (p_person = ANY(a.record_ids) OR p_case = ANY(a.record_ids))
     ORDER BY a.id;
  PERFORM set_config('pathways.tenant', scope, true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_lines_about(text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_lines_about(text, text, text) TO pathways_app;

--> statement-breakpoint
-- The principal of a session token, in one statement (every API request asks it): the session must
-- be live, not idle longer than p_idle_minutes, its user not disabled; `last_seen_at` is written at
-- most every 30 seconds. It reads users in the ADMIN scope and puts the caller's scope back.
CREATE FUNCTION session_principal(p_token_hash text, p_idle_minutes int)
RETURNS TABLE ("userId" int, username text, role text, "stateCode" text, organisation text, "csrfToken" text, "mfaPassed" boolean, "totpEnabled" boolean, "expiresAt" text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  scope constant text := pathways_tenant();
BEGIN
  PERFORM set_config('pathways.tenant', 'ADMIN', true);
  RETURN QUERY
    WITH live AS (
      SELECT s.token_hash, s.last_seen_at, u.id, u.username, u.role, u.state_code, u.organisation, s.csrf_token, s.mfa_passed, u.totp_enabled, s.expires_at
        FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = p_token_hash
         AND s.revoked_at IS NULL AND s.expires_at > now()
         AND s.last_seen_at > now() - make_interval(mins => p_idle_minutes)
         AND u.disabled_at IS NULL),
    -- A data-modifying WITH runs whether or not the query reads it.
    touched AS (
      UPDATE sessions SET last_seen_at = now()
       WHERE token_hash IN (SELECT token_hash FROM live WHERE last_seen_at < now() - interval '30 seconds'))
    SELECT l.id::int, l.username, l.role, l.state_code, l.organisation, l.csrf_token, l.mfa_passed, l.totp_enabled, l.expires_at::text
      FROM live l;
  PERFORM set_config('pathways.tenant', scope, true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION session_principal(text, int) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION session_principal(text, int) TO pathways_app;
--> statement-breakpoint
-- Ended sessions are removed after a while (src/identity/housekeeping.ts).
GRANT DELETE ON sessions TO pathways_app;
