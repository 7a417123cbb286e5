-- Figures for the Commission from rows it may not see. The Commission's scope (EU) reads no case
-- and no person (row-level security); the pipeline, processing times and the forecast need counts
-- and stays computed from them. These functions compute them as the owner and hand back rows
-- without any reference to a person or a case: a state's scope gets its own state's rows, EU and
-- the operator every state's, any other scope nothing.
CREATE FUNCTION statistics_cases_unscoped(p_round text, p_scope text)
RETURNS TABLE (seq int, state_code text, case_ref text, pathway text, country_of_departure text, priority text, modality text, status text, persons int, events jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET pathways.tenant = '*' AS $$
  SELECT (row_number() OVER (ORDER BY c.id))::int,
         c.state_code,
         CASE WHEN p_scope = 'EU' THEN NULL ELSE c.case_ref END,
         c.pathway, c.country_of_departure, c.priority, c.modality, c.status, m.n::int,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('status', e.to_status, 'on', e."on", 'reason', e.reason) ORDER BY e.id), '[]'::jsonb)
            FROM case_events e WHERE e.case_id = c.id)
    FROM cases c
    JOIN LATERAL (SELECT count(*) FILTER (WHERE p.excluded_reason IS NULL) AS n, min(p.round_id) AS counted
                    FROM persons p WHERE p.case_id = c.id) m ON true
   WHERE coalesce(c.round_id, m.counted) = p_round
     AND (p_scope IN ('EU', '*') OR c.state_code = p_scope)
     AND p_scope NOT IN ('', 'ADMIN', 'partner', 'sponsor')
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION statistics_cases_unscoped(text, text) FROM PUBLIC;
--> statement-breakpoint
-- The entry point: reads the caller's scope (it cannot be passed in) and calls the above as the owner.
CREATE FUNCTION statistics_cases(p_round text)
RETURNS TABLE (seq int, state_code text, case_ref text, pathway text, country_of_departure text, priority text, modality text, status text, persons int, events jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT * FROM statistics_cases_unscoped(p_round, pathways_tenant())
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION statistics_cases(text) TO pathways_app;
