-- Issue 19, findings 6 and 11: the audit trail's chain heads protected, and the operator's scope '*'
-- no longer something the application's role can give itself.
--
-- ── The operator: a role of its own ─────────────────────────────────────────────────────────────
-- The command line and the server's scheduled jobs act across every state (pathways.tenant = '*').
-- That right used to be a setting any session could give itself, the application's role included:
-- SQL injected into the server could run set_config('pathways.tenant', '*', true) and lift row-level
-- security. From here on '*' counts only for a role that is not the application's: the operator role
-- (the application's rights and nothing more, bound by row-level security, reached by the owner with
-- SET ROLE) and the owner. The application's role may still name any one state, EU, ADMIN, partner,
-- sponsor or public scope: that is the application's own trust boundary (docs/security.md §4).
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pathways_operator') THEN
    CREATE ROLE pathways_operator NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  -- Where this user may grant roles (it created them, or has CREATEROLE), it may switch to both.
  BEGIN
    EXECUTE 'GRANT pathways_app TO pathways_operator';
    EXECUTE 'GRANT pathways_operator TO CURRENT_USER';
    EXECUTE 'GRANT pathways_app TO CURRENT_USER';
  EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
    RAISE NOTICE 'pathways: could not grant pathways_app / pathways_operator to %: ask the administrator (docs/security.md §2)', current_user;
  END;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pathways_tenant() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN t = '*' AND (current_user = 'pathways_app' OR session_user = 'pathways_app') THEN '' ELSE t END
    FROM (SELECT coalesce(current_setting('pathways.tenant', true), '') AS t) s
$$;
--> statement-breakpoint
-- ── The chain heads move only forward, only from the audit insert ───────────────────────────────
-- A line's chain head is locked, read and moved in one trigger (below); a guard on audit_chains lets a
-- head be created empty (seq 0) and then moved exactly one step, to the hash of the line being
-- inserted, from within that trigger — never edited, set back, removed or truncated, by the owner
-- either. An owner can disable triggers: what defeats that is the signed anchors of each head kept
-- outside the database (`pathways audit anchor`, src/audit/anchor.ts).
CREATE OR REPLACE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  k text := coalesce(NEW.state_code, '-') || '.' || (pg_backend_pid() % 8);
  s bigint;
  h text;
BEGIN
  SELECT c.seq, c.hash INTO s, h FROM audit_chains c WHERE c.chain = k FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO audit_chains (chain, seq, hash) VALUES (k, 0, '') ON CONFLICT (chain) DO NOTHING;
    SELECT c.seq, c.hash INTO s, h FROM audit_chains c WHERE c.chain = k FOR UPDATE;
  END IF;
  NEW.chain := k;
  NEW.seq := s + 1;
  NEW.prev_hash := h;
  NEW.hash := audit_entry_hash(NEW);
  PERFORM set_config('pathways.audit_head', k || ':' || NEW.seq || ':' || NEW.hash, true);
  UPDATE audit_chains SET seq = NEW.seq, hash = NEW.hash WHERE chain = k;
  PERFORM set_config('pathways.audit_head', '', true);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_chains_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND pg_trigger_depth() > 1 AND NEW.seq = 0 AND NEW.hash = '' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND NEW.chain = OLD.chain AND NEW.seq = OLD.seq + 1
     AND coalesce(current_setting('pathways.audit_head', true), '') = NEW.chain || ':' || NEW.seq || ':' || NEW.hash THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'an audit chain head moves only one step forward, to the line being inserted (% on audit_chains refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_chains_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_chains FOR EACH ROW EXECUTE FUNCTION audit_chains_guard();
--> statement-breakpoint
CREATE TRIGGER audit_chains_no_truncate BEFORE TRUNCATE ON audit_chains FOR EACH STATEMENT EXECUTE FUNCTION audit_chains_guard();
--> statement-breakpoint
-- Row-level security on the heads, forced on the owner too: read in the operator's scope (verify,
-- anchor) and by the chaining trigger; written only by the trigger.
ALTER TABLE audit_chains ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_chains FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY heads_read ON audit_chains FOR SELECT USING (pathways_tenant() = '*' OR pg_trigger_depth() > 0);
--> statement-breakpoint
CREATE POLICY heads_insert ON audit_chains FOR INSERT WITH CHECK (pg_trigger_depth() > 0);
--> statement-breakpoint
CREATE POLICY heads_update ON audit_chains FOR UPDATE USING (pg_trigger_depth() > 0) WITH CHECK (pg_trigger_depth() > 0);
--> statement-breakpoint
REVOKE ALL ON audit_chains FROM pathways_app;
--> statement-breakpoint
-- The heads are read with the caller's own rights: the operator's role may (in the scope '*'), the
-- application's role may not (as an owner-run function would have let it, '*' being honoured there).
GRANT SELECT ON audit_chains TO pathways_operator;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_chains_heads() RETURNS TABLE (chain text, seq bigint, hash text)
  LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT has_table_privilege('public.audit_chains', 'SELECT') THEN RETURN; END IF;
  RETURN QUERY SELECT c.chain, c.seq, c.hash FROM audit_chains c WHERE pathways_tenant() = '*';
END $$;
