CREATE TABLE "audit_seals" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"last_xid" "xid8" NOT NULL,
	"last_id" bigint NOT NULL,
	"lines" integer NOT NULL,
	"digest" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_log_xid_id" ON "audit_log" USING btree ("xid","id");--> statement-breakpoint
-- Issue 17: the audit trail no longer serialises a state. Until here every line of a state joined one
-- of eight chains (`pg_backend_pid() % 8`) and held that chain's head row locked until its transaction
-- committed, so that the audited reads and writes of one Member State queued behind each other's
-- commits. From here on:
--   1. A line joins the chain of its tenant AND its database connection (`<state>.<connection id>`, the
--      id drawn once per connection and kept in the connection's setting pathways.audit_session). Only
--      that connection ever moves that chain's head, so the head's row lock never makes another
--      connection wait. The chain still links every committed line of the connection (a rolled-back
--      transaction takes its line and the head's move back with it), so a line removed before it is
--      sealed leaves a gap, a broken link or a head beyond the last line.
--   2. Every line records its transaction (`xid`, pg_current_xact_id()). The sealer (`audit_seal()`,
--      run by the server every second and by `pathways audit seal`) takes the committed lines in the
--      order (xid, id) in batches: a batch holds only lines whose transaction id is below the oldest
--      transaction of this database still running (see audit_seal()). Every transaction below that
--      horizon has ended, and a transaction that starts later gets a larger id, so no line can
--      ever appear in a range already sealed: a line that commits late is sealed in a later batch,
--      never skipped. Each batch stores how many lines it holds, the SHA-256 of their hashes in that
--      order, and its own hash chained to the batch before (audit_seals, which nothing changes).
-- The lines written before this migration keep their chains; they took this migration's transaction
-- id above, so the first seal covers them too.
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
  NEW.hash := audit_entry_hash(NEW);
  PERFORM set_config('pathways.audit_head', k || ':' || NEW.seq || ':' || NEW.hash, true);
  UPDATE audit_chains SET seq = NEW.seq, hash = NEW.hash WHERE chain = k;
  PERFORM set_config('pathways.audit_head', '', true);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_seal_hash(p_prev text, p_seq bigint, p_last_xid xid8, p_last_id bigint, p_lines int, p_digest text)
  RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(p_prev, p_seq, p_last_xid::text, p_last_id, p_lines, p_digest)::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- Seals every committed line not sealed yet, at most p_max lines a batch; returns the batches and
-- lines sealed and the lines left unsealed (their transaction, or an older one still running, has
-- not ended). One sealer at a time (an advisory lock); run in the operator's scope.
CREATE OR REPLACE FUNCTION audit_seal(p_max int DEFAULT 10000) RETURNS TABLE (batches int, lines bigint, unsealed bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  snap pg_snapshot;
  oldest xid8;
  horizon xid8;
  last_seq bigint;
  last_hash text;
  from_xid xid8;
  from_id bigint;
  n int;
  d text;
  lx xid8;
  li bigint;
  b int := 0;
  l bigint := 0;
BEGIN
  IF pathways_tenant() <> '*' THEN
    RAISE EXCEPTION 'the audit trail is sealed in the operator''s scope only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM pg_advisory_xact_lock(727275);
  -- The horizon, taken after the lock (a sealer that waited sees the batches of the one before it):
  -- the oldest transaction of THIS database still running, else the snapshot's xmax (every id below
  -- it has ended, every id given out later is at least it). pg_snapshot_xmin would be the oldest of
  -- the whole server: a long transaction of another database (a benchmark's import) would hold the
  -- seals back for no reason. A transaction of this database that gets its id after the snapshot gets
  -- one at or above its xmax; one running at the snapshot is in its xip and, if still running when
  -- pg_stat_activity is read, found there (a prepared transaction in pg_prepared_xacts); one that
  -- ended in between has committed or rolled back, and the next statement's snapshot sees which. The
  -- sealer's own transaction, if it has an id, counts too (the snapshot leaves it out).
  snap := pg_current_snapshot();
  PERFORM pg_stat_clear_snapshot();
  SELECT min(x) INTO oldest FROM pg_snapshot_xip(snap) x
   WHERE (x::text::numeric % 4294967296)::text IN (
     SELECT a.backend_xid::text FROM pg_stat_activity a
      WHERE a.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()) AND a.backend_xid IS NOT NULL
     UNION ALL
     SELECT p.transaction::text FROM pg_prepared_xacts p WHERE p.database = current_database());
  horizon := least(pg_snapshot_xmax(snap), oldest, pg_current_xact_id_if_assigned());
  LOOP
    SELECT s.seq, s.hash, s.last_xid, s.last_id INTO last_seq, last_hash, from_xid, from_id FROM audit_seals s ORDER BY s.seq DESC LIMIT 1;
    IF NOT FOUND THEN
      last_seq := 0; last_hash := ''; from_xid := '0'::xid8; from_id := 0;
    END IF;
    SELECT count(*)::int, encode(sha256(convert_to(string_agg(x.hash, '' ORDER BY x.xid, x.id), 'UTF8')), 'hex'),
           (array_agg(x.xid ORDER BY x.xid DESC, x.id DESC))[1], (array_agg(x.id ORDER BY x.xid DESC, x.id DESC))[1]
      INTO n, d, lx, li
      FROM (SELECT a.xid, a.id, a.hash FROM audit_log a
             WHERE a.xid < horizon AND (a.xid, a.id) > (from_xid, from_id)
             ORDER BY a.xid, a.id LIMIT p_max) x;
    EXIT WHEN n = 0;
    INSERT INTO audit_seals (seq, last_xid, last_id, lines, digest, prev_hash, hash)
      VALUES (last_seq + 1, lx, li, n, d, last_hash, audit_seal_hash(last_hash, last_seq + 1, lx, li, n, d));
    b := b + 1;
    l := l + n;
    from_xid := lx;
    from_id := li;
    EXIT WHEN n < p_max;
  END LOOP;
  RETURN QUERY SELECT b, l, (SELECT count(*) FROM audit_log a WHERE (a.xid, a.id) > (coalesce(from_xid, '0'::xid8), coalesce(from_id, 0)));
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_seal(int) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_seal(int) TO pathways_operator;
--> statement-breakpoint
-- The seals: read in the operator's scope (verify, anchor), written only by audit_seal(), never
-- changed or removed (by the owner either, unless it switches the triggers off: the anchors).
ALTER TABLE audit_seals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_seals FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY seals_read ON audit_seals FOR SELECT USING (pathways_tenant() = '*');
--> statement-breakpoint
CREATE POLICY seals_insert ON audit_seals FOR INSERT WITH CHECK (pathways_tenant() = '*');
--> statement-breakpoint
REVOKE ALL ON audit_seals FROM pathways_app;
--> statement-breakpoint
GRANT SELECT ON audit_seals TO pathways_operator;
--> statement-breakpoint
CREATE TRIGGER audit_seals_immutable BEFORE UPDATE OR DELETE ON audit_seals FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();
--> statement-breakpoint
-- Issue 17, the request path: a server that keeps a session's principal in memory checks, in the same
-- statement that sets a transaction's scope, that the session is still live (not revoked, expired or
-- idle, its user not disabled) and still the same principal (user, role, state, organisation), so that
-- a revocation or a change made by any process takes effect at the next transaction, without a
-- round trip of its own. Touches last_seen_at at most every 30 s, as session_principal() does.
CREATE OR REPLACE FUNCTION session_check(p_token_hash text, p_idle_minutes int, p_user_id int, p_role text, p_state text, p_organisation text)
RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  scope constant text := pathways_tenant();
  seen timestamptz;
  live boolean;
BEGIN
  PERFORM set_config('pathways.tenant', 'ADMIN', true);
  SELECT s.last_seen_at INTO seen
    FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.token_hash = p_token_hash AND s.user_id = p_user_id
     AND s.revoked_at IS NULL AND s.expires_at > now()
     AND s.last_seen_at > now() - make_interval(mins => p_idle_minutes)
     AND u.disabled_at IS NULL AND u.role = p_role
     AND u.state_code IS NOT DISTINCT FROM p_state AND u.organisation IS NOT DISTINCT FROM p_organisation;
  live := FOUND;
  IF live AND seen < now() - interval '30 seconds' THEN
    UPDATE sessions SET last_seen_at = now() WHERE token_hash = p_token_hash;
  END IF;
  PERFORM set_config('pathways.tenant', scope, true);
  RETURN live;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION session_check(text, int, int, text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION session_check(text, int, int, text, text, text) TO pathways_app;
