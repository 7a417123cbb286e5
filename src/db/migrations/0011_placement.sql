CREATE TABLE "case_placements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"place_id" integer NOT NULL,
	"run_id" bigint,
	"proposed_place_id" integer,
	"score" double precision,
	"cost_of_change" double precision,
	"reason" text,
	"decided_by" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "placement_places" (
	"id" serial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"capacity" jsonb NOT NULL,
	"profile" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "placement_places_kind" CHECK ("placement_places"."kind" IN ('municipality', 'reception_centre', 'sponsor_group'))
);
--> statement-breakpoint
CREATE TABLE "placement_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"round_id" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"time_limit_seconds" integer NOT NULL,
	"progress" jsonb,
	"result" jsonb,
	"error" text,
	"finished_at" timestamp with time zone,
	CONSTRAINT "placement_runs_status" CHECK ("placement_runs"."status" IN ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "case_placements" ADD CONSTRAINT "case_placements_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_placements" ADD CONSTRAINT "case_placements_place_id_placement_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."placement_places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_placements" ADD CONSTRAINT "case_placements_run_id_placement_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."placement_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_places" ADD CONSTRAINT "placement_places_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_runs" ADD CONSTRAINT "placement_runs_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_runs" ADD CONSTRAINT "placement_runs_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "case_placements_current" ON "case_placements" USING btree ("case_id") WHERE "case_placements"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX "case_placements_state" ON "case_placements" USING btree ("state_code");--> statement-breakpoint
CREATE UNIQUE INDEX "placement_places_code" ON "placement_places" USING btree ("state_code","code");--> statement-breakpoint
CREATE INDEX "placement_runs_state" ON "placement_runs" USING btree ("state_code","requested_at");
--> statement-breakpoint
-- ── Hand-written: grants and row-level security of issue 8 ────────────────────────────────────
GRANT SELECT, INSERT, UPDATE ON placement_places, placement_runs TO pathways_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON case_placements TO pathways_app;
--> statement-breakpoint
-- A decision is ended by the next one, never edited otherwise; erasure may blank its reason.
GRANT UPDATE (ended_at, reason) ON case_placements TO pathways_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON placement_places_id_seq, placement_runs_id_seq, case_placements_id_seq TO pathways_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['placement_places', 'placement_runs', 'case_placements'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_rows ON %I FOR ALL
      USING (state_code = pathways_tenant() OR pathways_tenant() = '*')
      WITH CHECK (state_code = pathways_tenant() OR pathways_tenant() = '*')$p$, t);
  END LOOP;
END $$;
--> statement-breakpoint
-- A placement decision keeps who, where and why: only its end (a later decision) and, under
-- erasure, its free-text reason may change.
CREATE FUNCTION case_placement_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'ended_at' - 'reason') = (to_jsonb(OLD) - 'ended_at' - 'reason')
     AND (OLD.ended_at IS NULL OR NEW.ended_at IS NOT DISTINCT FROM OLD.ended_at)
     AND (NEW.reason IS NOT DISTINCT FROM OLD.reason OR current_setting('pathways.erasure', true) = 'on')
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'a placement decision is never edited (% on case_placements refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER case_placements_guard BEFORE UPDATE OR DELETE ON case_placements FOR EACH ROW EXECUTE FUNCTION case_placement_guard();
