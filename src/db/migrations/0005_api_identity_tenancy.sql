CREATE TABLE "audit_chains" (
	"chain" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"principal" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer,
	"response" jsonb,
	"headers" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"username" text NOT NULL,
	"address" text NOT NULL,
	"succeeded" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"csrf_token" text NOT NULL,
	"mfa_passed" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"state_code" text,
	"organisation" text,
	"password_hash" text,
	"totp_secret" text,
	"totp_enabled" boolean DEFAULT false NOT NULL,
	"totp_last_step" bigint,
	"oidc_issuer" text,
	"oidc_subject" text,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "users_role" CHECK ("users"."role" IN ('commission_analyst', 'state_officer', 'state_admin', 'referral_partner', 'sponsor', 'auditor', 'system_admin')),
	CONSTRAINT "users_state_role" CHECK (("users"."role" IN ('state_officer', 'state_admin')) <= ("users"."state_code" IS NOT NULL)),
	CONSTRAINT "users_org_role" CHECK (("users"."role" IN ('referral_partner', 'sponsor')) <= ("users"."organisation" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "case_supporters" (
	"case_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"organisation" text NOT NULL,
	"phases" text[] NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_supporters_case_id_organisation_pk" PRIMARY KEY("case_id","organisation")
);
--> statement-breakpoint
ALTER TABLE "rounds" ADD COLUMN "retention_months" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "role" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "tenant" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "purpose" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "record_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "fields" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "chain" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "hash" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_supporters" ADD CONSTRAINT "case_supporters_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "idempotency_keys_pk" ON "idempotency_keys" USING btree ("principal","key");--> statement-breakpoint
CREATE INDEX "login_attempts_address_at" ON "login_attempts" USING btree ("address","at");--> statement-breakpoint
CREATE INDEX "login_attempts_username_at" ON "login_attempts" USING btree ("username","at");--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username" ON "users" USING btree (lower("username"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_oidc" ON "users" USING btree ("oidc_issuer","oidc_subject");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_chain_seq" ON "audit_log" USING btree ("chain","seq");--> statement-breakpoint
-- ── Tenancy: the database enforces who sees which state's rows, on its own ─────────────────────
-- Every transaction of the application names its scope with set_config('pathways.tenant', …, true):
--   a state code (that state's staff), 'EU' (the Commission: aggregates, pledges, rounds), 'ADMIN'
--   (user administration and sign-in: users, no person), 'partner' / 'sponsor' (with
--   pathways.organisation: their own referrals or households), '*' (the operator: local command line,
--   scheduled jobs). A connection that sets nothing sees nothing.
CREATE OR REPLACE FUNCTION pathways_tenant() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('pathways.tenant', true), '')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION pathways_organisation() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('pathways.organisation', true), '')
$$;
--> statement-breakpoint
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pathways_app') THEN
    CREATE ROLE pathways_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA public TO pathways_app');
  EXECUTE 'GRANT SELECT ON states, countries TO pathways_app';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE ON rounds, imports TO pathways_app';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE ON pledges, cases, case_supporters, users, sessions TO pathways_app';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON persons, arrivals_monthly, arrivals_daily, idempotency_keys, login_attempts TO pathways_app';
  EXECUTE 'GRANT SELECT, INSERT ON case_events, audit_log TO pathways_app';
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO pathways_app';
  FOREACH t IN ARRAY ARRAY['cases', 'case_events', 'persons', 'pledges', 'arrivals_monthly', 'arrivals_daily', 'audit_log', 'users', 'case_supporters'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
  -- A state's own rows, read and written by its staff (and by the operator).
  FOREACH t IN ARRAY ARRAY['cases', 'case_events', 'persons', 'pledges', 'arrivals_monthly', 'arrivals_daily', 'case_supporters'] LOOP
    EXECUTE format($p$CREATE POLICY tenant_rows ON %I FOR ALL
      USING (state_code = pathways_tenant() OR pathways_tenant() = '*')
      WITH CHECK (state_code = pathways_tenant() OR pathways_tenant() = '*')$p$, t);
  END LOOP;
  -- Figures without persons: every signed-in scope reads every state's pledges and arrivals counts.
  FOREACH t IN ARRAY ARRAY['pledges', 'arrivals_monthly', 'arrivals_daily'] LOOP
    EXECUTE format($p$CREATE POLICY figures_read ON %I FOR SELECT USING (pathways_tenant() <> '')$p$, t);
  END LOOP;
END $$;
--> statement-breakpoint
-- A referral partner reads the cases it referred (the service shows it their status only).
CREATE POLICY partner_read ON cases FOR SELECT
  USING (pathways_tenant() = 'partner' AND referring_partner = pathways_organisation());
--> statement-breakpoint
-- A sponsor reads the households it supports, and their members.
CREATE POLICY sponsor_read ON case_supporters FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND organisation = pathways_organisation());
--> statement-breakpoint
CREATE POLICY sponsor_read ON cases FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND EXISTS (SELECT 1 FROM case_supporters s WHERE s.case_id = cases.id AND s.organisation = pathways_organisation()));
--> statement-breakpoint
CREATE POLICY sponsor_read ON persons FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND EXISTS (SELECT 1 FROM case_supporters s WHERE s.case_id = persons.case_id AND s.organisation = pathways_organisation()));
--> statement-breakpoint
-- Users: a state's administrators see their state's users; user administration and sign-in see all.
CREATE POLICY tenant_rows ON users FOR ALL
  USING (state_code = pathways_tenant() OR pathways_tenant() IN ('ADMIN', '*'))
  WITH CHECK (state_code = pathways_tenant() OR pathways_tenant() IN ('ADMIN', '*'));
--> statement-breakpoint
-- The audit trail: every scope appends; an auditor reads its own scope's lines (a state's, or the
-- Commission's and the platform's own for EU), the operator all.
CREATE POLICY audit_append ON audit_log FOR INSERT WITH CHECK (pathways_tenant() <> '');
--> statement-breakpoint
CREATE POLICY audit_read ON audit_log FOR SELECT
  USING (pathways_tenant() = '*'
      OR (current_setting('pathways.auditor', true) = 'on'
          AND (state_code = pathways_tenant() OR (pathways_tenant() = 'EU' AND state_code IS NULL))));
--> statement-breakpoint
-- ── The audit trail cannot lose a line ───────────────────────────────────────────────────────
-- Hash chains per tenant (state code, or '-' for lines without a state): eight of them, a line
-- joining the chain of its database session (`pg_backend_pid() % 8`), so that reads of one state on
-- several connections do not all wait for one chain head's row lock until they commit. Each line's
-- hash covers the previous line's hash and every field of the line; each chain's head is kept in
-- audit_chains, which only this trigger writes (the application role has no right on it).
CREATE OR REPLACE FUNCTION audit_entry_hash(e audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    e.prev_hash, e.chain, e.seq, e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor, e.role, e.tenant, e.action, e.purpose, e.state_code, e.subject, e.record_ids, e.fields, e.details
  )::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  k text := coalesce(NEW.state_code, '-') || '.' || (pg_backend_pid() % 8);
  s bigint;
  h text;
BEGIN
  -- The chain's next number and its last hash, in one statement (a new chain starts at 1 after '').
  INSERT INTO audit_chains AS c (chain, seq, hash) VALUES (k, 1, '')
    ON CONFLICT (chain) DO UPDATE SET seq = c.seq + 1
    RETURNING c.seq, c.hash INTO s, h;
  NEW.chain := k;
  NEW.seq := s;
  NEW.prev_hash := h;
  NEW.hash := audit_entry_hash(NEW);
  UPDATE audit_chains SET hash = NEW.hash WHERE chain = k;
  RETURN NEW;
END $$;
--> statement-breakpoint
-- The lines written before this migration join their chains, in the order they were written.
DO $$
DECLARE r audit_log;
DECLARE k text; s bigint; h text;
BEGIN
  FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
    k := coalesce(r.state_code, '-');
    INSERT INTO audit_chains AS c (chain, seq, hash) VALUES (k, 1, '')
      ON CONFLICT (chain) DO UPDATE SET seq = c.seq + 1
      RETURNING c.seq, c.hash INTO s, h;
    r.chain := k; r.seq := s; r.prev_hash := h;
    r.hash := audit_entry_hash(r);
    UPDATE audit_log SET chain = r.chain, seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    UPDATE audit_chains SET hash = r.hash WHERE chain = k;
  END LOOP;
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_chain_append();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are never changed or removed' USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();
--> statement-breakpoint
-- The history stays append-only, with one exception the law asks for: erasure and the end of
-- retention blank the free text of a line (reason, details) and nothing else, inside a transaction
-- that declares it (pathways.erasure = on), which only the erasure service does.
CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('pathways.erasure', true) = 'on'
     AND (NEW.id, NEW.case_id, NEW.state_code, NEW."on", NEW.recorded_at, NEW.actor, NEW.from_status, NEW.to_status)
         IS NOT DISTINCT FROM (OLD.id, OLD.case_id, OLD.state_code, OLD."on", OLD.recorded_at, OLD.actor, OLD.from_status, OLD.to_status)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the history of a case is never edited (% on case_events refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END
$fn$;
--> statement-breakpoint
GRANT UPDATE (reason, details) ON case_events TO pathways_app;
