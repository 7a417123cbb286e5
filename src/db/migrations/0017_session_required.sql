-- Issue 17: two checks that fail their statement instead of giving an answer to read, so that the
-- statement needs no wait and the next one follows it on the wire (src/db/db.ts, RESULT_UNREAD); and
-- the audit line's hash computed in its trigger's own expression (below).
--
-- The session's check, for the statement that sets a request's scope (src/access/scope.ts). A session
-- revoked, expired, gone idle, or whose user was disabled or changed (session_check, migration 0014)
-- raises SQLSTATE PWS01: the transaction fails at its next statement and reads nothing; the server
-- answers 401. It runs as its caller (session_check is the one that runs as the owner).
CREATE OR REPLACE FUNCTION session_required(p_token_hash text, p_idle_minutes int, p_user_id int, p_role text, p_state text, p_organisation text)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF NOT session_check(p_token_hash, p_idle_minutes, p_user_id, p_role, p_state, p_organisation) THEN
    RAISE EXCEPTION 'the session is over' USING ERRCODE = 'PWS01';
  END IF;
  RETURN true;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION session_required(text, int, int, text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION session_required(text, int, int, text, text, text) TO pathways_app;
--> statement-breakpoint
-- A statement's own check, for a statement whose answer nobody reads (RESULT_UNREAD): false fails it,
-- and its transaction, with SQLSTATE P0004 (assert_failure) and the message given.
CREATE OR REPLACE FUNCTION pathways_assert(ok boolean, message text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION '%', message USING ERRCODE = 'P0004';
  END IF;
  RETURN true;
END $$;
--> statement-breakpoint
-- The audit line's trigger as in migration 0014, its hash written out.
CREATE OR REPLACE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  sid text := coalesce(current_setting('pathways.audit_session', true), '');
  k text;
  s bigint;
  h text;
BEGIN
  IF sid = '' THEN
    sid := substr(replace(gen_random_uuid()::text, '-', ''), 1, 16);
    PERFORM set_config('pathways.audit_session', sid, false);
  END IF;
  k := coalesce(NEW.state_code, '-') || '.' || sid;
  SELECT c.seq, c.hash INTO s, h FROM audit_chains c WHERE c.chain = k FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO audit_chains (chain, seq, hash) VALUES (k, 0, '');
    s := 0;
    h := '';
  END IF;
  NEW.xid := pg_current_xact_id();
  NEW.chain := k;
  NEW.seq := s + 1;
  NEW.prev_hash := h;
  -- audit_entry_hash(NEW), written out: called from here, that SQL function was planned again in every
  -- transaction (about 75 µs of each audited action's 0.26 ms insert); as this function's own
  -- expression its plan is kept for the connection. The two must agree: audit_verify() recomputes
  -- every line with audit_entry_hash (tested: test/audit-sealer.test.ts, test/tenancy.test.ts).
  NEW.hash := encode(sha256(convert_to(jsonb_build_array(
    NEW.prev_hash, NEW.chain, NEW.seq, NEW.id, to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    NEW.actor, NEW.role, NEW.tenant, NEW.action, NEW.purpose, NEW.state_code, NEW.subject, NEW.record_ids, NEW.fields, NEW.details
  )::text, 'UTF8')), 'hex');
  PERFORM set_config('pathways.audit_head', k || ':' || NEW.seq || ':' || NEW.hash, true);
  UPDATE audit_chains SET seq = NEW.seq, hash = NEW.hash WHERE chain = k;
  PERFORM set_config('pathways.audit_head', '', true);
  RETURN NEW;
END $$;
