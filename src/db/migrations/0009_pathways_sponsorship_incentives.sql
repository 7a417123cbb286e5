CREATE TABLE "programmes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"state_code" text,
	"kind" text NOT NULL,
	"pathway" text NOT NULL,
	"round_id" text,
	"title" text NOT NULL,
	"criteria" text DEFAULT '' NOT NULL,
	"target_groups" text[] DEFAULT '{}'::text[] NOT NULL,
	"places" integer,
	"start_date" date,
	"end_date" date,
	"status" text DEFAULT 'planned' NOT NULL,
	"activation" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"partner" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programmes_places" CHECK ("programmes"."places" IS NULL OR "programmes"."places" >= 0),
	CONSTRAINT "programmes_status" CHECK ("programmes"."status" IN ('planned', 'active', 'suspended', 'closed')),
	CONSTRAINT "programmes_dates" CHECK ("programmes"."start_date" IS NULL OR "programmes"."end_date" IS NULL OR "programmes"."start_date" <= "programmes"."end_date")
);
--> statement-breakpoint
CREATE TABLE "memoranda" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"scheme_id" bigint,
	"title" text NOT NULL,
	"parties" jsonb NOT NULL,
	"signed_on" date,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"places" integer,
	"costs_borne" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memoranda_dates" CHECK ("memoranda"."valid_to" IS NULL OR "memoranda"."valid_from" <= "memoranda"."valid_to"),
	CONSTRAINT "memoranda_places" CHECK ("memoranda"."places" IS NULL OR "memoranda"."places" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sponsorship_scheme_versions" (
	"scheme_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"state_code" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"roles" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sponsorship_schemes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"programme_id" bigint,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sponsor_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sponsor_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reason" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sponsor_members" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sponsor_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"name" text NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"screening" text DEFAULT 'pending' NOT NULL,
	"screened_on" date,
	CONSTRAINT "sponsor_members_screening" CHECK ("sponsor_members"."screening" IN ('pending', 'cleared', 'refused'))
);
--> statement-breakpoint
CREATE TABLE "sponsors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"organisation" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"contact" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"region" text DEFAULT '' NOT NULL,
	"household_size" integer DEFAULT 1 NOT NULL,
	"needs_supported" text[] DEFAULT '{}'::text[] NOT NULL,
	"languages" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'applied' NOT NULL,
	"status_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sponsors_kind" CHECK ("sponsors"."kind" IN ('individual', 'group', 'non_profit', 'faith_based')),
	CONSTRAINT "sponsors_status" CHECK ("sponsors"."status" IN ('applied', 'screened', 'approved', 'active', 'suspended', 'ended')),
	CONSTRAINT "sponsors_household" CHECK ("sponsors"."household_size" >= 1)
);
--> statement-breakpoint
CREATE TABLE "sponsorship_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sponsorship_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"organisation" text NOT NULL,
	"side" text NOT NULL,
	"author" text NOT NULL,
	"body" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sponsorship_messages_side" CHECK ("sponsorship_messages"."side" IN ('sponsor', 'state'))
);
--> statement-breakpoint
CREATE TABLE "sponsorship_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sponsorship_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"organisation" text NOT NULL,
	"phase" text NOT NULL,
	"task" text NOT NULL,
	"holder" text NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" text
);
--> statement-breakpoint
CREATE TABLE "sponsorships" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"sponsor_id" bigint NOT NULL,
	"case_id" bigint NOT NULL,
	"scheme_id" bigint,
	"scheme_version" integer,
	"phases" text[] NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"matched_on" date NOT NULL,
	"matched_by" text NOT NULL,
	"ended_on" date,
	"end_reason" text,
	"safety_net" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "sponsorships_status" CHECK ("sponsorships"."status" IN ('active', 'ended', 'broken_down'))
);
--> statement-breakpoint
CREATE TABLE "pathway_candidate_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"candidate_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"on" date NOT NULL,
	"reason" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pathway_candidates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"programme_id" bigint NOT NULL,
	"case_id" bigint NOT NULL,
	"person_ref" text NOT NULL,
	"skills" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occupations" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'applied' NOT NULL,
	"status_on" date,
	"support" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pathway_candidates_status" CHECK ("pathway_candidates"."status" IN ('applied', 'shortlisted', 'admitted', 'refused', 'withdrawn', 'arrived', 'graduated', 'placed'))
);
--> statement-breakpoint
CREATE TABLE "family_reunification_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"reference" text NOT NULL,
	"programme_id" bigint,
	"kind" text NOT NULL,
	"family_members" integer DEFAULT 1 NOT NULL,
	"country_of_residence" text,
	"received_on" date NOT NULL,
	"closed_on" date,
	"outcome" text DEFAULT 'open' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "family_reunification_requests_kind" CHECK ("family_reunification_requests"."kind" IN ('information', 'visa_assistance')),
	CONSTRAINT "family_reunification_requests_outcome" CHECK ("family_reunification_requests"."outcome" IN ('open', 'informed', 'visa_issued', 'visa_refused', 'referred', 'withdrawn')),
	CONSTRAINT "family_reunification_requests_dates" CHECK ("family_reunification_requests"."closed_on" IS NULL OR "family_reunification_requests"."received_on" <= "family_reunification_requests"."closed_on"),
	CONSTRAINT "family_reunification_requests_members" CHECK ("family_reunification_requests"."family_members" >= 1)
);
--> statement-breakpoint
CREATE TABLE "incentive_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"round_id" text NOT NULL,
	"revision" integer NOT NULL,
	"rate_before" text,
	"amount_before" integer,
	"rate_after" text,
	"amount_after" integer NOT NULL,
	"evidence_before" jsonb,
	"evidence_after" jsonb NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incentive_claims" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"round_id" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"persons" integer NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text DEFAULT 'EUR' NOT NULL,
	"by_rate" jsonb NOT NULL,
	"status" text DEFAULT 'submitted' NOT NULL,
	"made_by" text NOT NULL,
	"made_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incentive_claims_dates" CHECK ("incentive_claims"."period_start" <= "incentive_claims"."period_end")
);
--> statement-breakpoint
CREATE TABLE "person_incentives" (
	"person_id" bigint PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"round_id" text NOT NULL,
	"arrived_on" date NOT NULL,
	"rate_id" text,
	"amount" integer NOT NULL,
	"currency" text DEFAULT 'EUR' NOT NULL,
	"evidence" jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_incentives_amount" CHECK ("person_incentives"."amount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "programme_id" bigint;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "vulnerable_groups" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "case_supporters" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memoranda" ADD CONSTRAINT "memoranda_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memoranda" ADD CONSTRAINT "memoranda_scheme_id_sponsorship_schemes_id_fk" FOREIGN KEY ("scheme_id") REFERENCES "public"."sponsorship_schemes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsorship_scheme_versions" ADD CONSTRAINT "sponsorship_scheme_versions_scheme_id_sponsorship_schemes_id_fk" FOREIGN KEY ("scheme_id") REFERENCES "public"."sponsorship_schemes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsorship_schemes" ADD CONSTRAINT "sponsorship_schemes_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsorship_schemes" ADD CONSTRAINT "sponsorship_schemes_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsor_events" ADD CONSTRAINT "sponsor_events_sponsor_id_sponsors_id_fk" FOREIGN KEY ("sponsor_id") REFERENCES "public"."sponsors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsor_members" ADD CONSTRAINT "sponsor_members_sponsor_id_sponsors_id_fk" FOREIGN KEY ("sponsor_id") REFERENCES "public"."sponsors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsors" ADD CONSTRAINT "sponsors_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsorship_messages" ADD CONSTRAINT "sponsorship_messages_sponsorship_id_sponsorships_id_fk" FOREIGN KEY ("sponsorship_id") REFERENCES "public"."sponsorships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsorship_tasks" ADD CONSTRAINT "sponsorship_tasks_sponsorship_id_sponsorships_id_fk" FOREIGN KEY ("sponsorship_id") REFERENCES "public"."sponsorships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsorships" ADD CONSTRAINT "sponsorships_sponsor_id_sponsors_id_fk" FOREIGN KEY ("sponsor_id") REFERENCES "public"."sponsors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsorships" ADD CONSTRAINT "sponsorships_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sponsorships" ADD CONSTRAINT "sponsorships_scheme_id_sponsorship_schemes_id_fk" FOREIGN KEY ("scheme_id") REFERENCES "public"."sponsorship_schemes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pathway_candidate_events" ADD CONSTRAINT "pathway_candidate_events_candidate_id_pathway_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."pathway_candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pathway_candidates" ADD CONSTRAINT "pathway_candidates_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pathway_candidates" ADD CONSTRAINT "pathway_candidates_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pathway_candidates" ADD CONSTRAINT "pathway_candidates_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_reunification_requests" ADD CONSTRAINT "family_reunification_requests_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_reunification_requests" ADD CONSTRAINT "family_reunification_requests_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incentive_claims" ADD CONSTRAINT "incentive_claims_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incentive_claims" ADD CONSTRAINT "incentive_claims_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_incentives" ADD CONSTRAINT "person_incentives_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_incentives" ADD CONSTRAINT "person_incentives_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "programmes_code" ON "programmes" USING btree ("code");--> statement-breakpoint
CREATE INDEX "programmes_state" ON "programmes" USING btree ("state_code");--> statement-breakpoint
CREATE UNIQUE INDEX "memoranda_version" ON "memoranda" USING btree ("state_code","code","version");--> statement-breakpoint
CREATE UNIQUE INDEX "sponsorship_scheme_versions_key" ON "sponsorship_scheme_versions" USING btree ("scheme_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "sponsorship_schemes_code" ON "sponsorship_schemes" USING btree ("state_code","code");--> statement-breakpoint
CREATE INDEX "sponsor_events_sponsor" ON "sponsor_events" USING btree ("sponsor_id","id");--> statement-breakpoint
CREATE INDEX "sponsor_members_sponsor" ON "sponsor_members" USING btree ("sponsor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sponsors_organisation" ON "sponsors" USING btree ("organisation");--> statement-breakpoint
CREATE INDEX "sponsors_state" ON "sponsors" USING btree ("state_code","status");--> statement-breakpoint
CREATE INDEX "sponsorship_messages_key" ON "sponsorship_messages" USING btree ("sponsorship_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sponsorship_tasks_key" ON "sponsorship_tasks" USING btree ("sponsorship_id","task");--> statement-breakpoint
CREATE INDEX "sponsorship_tasks_org" ON "sponsorship_tasks" USING btree ("organisation");--> statement-breakpoint
CREATE INDEX "sponsorships_sponsor" ON "sponsorships" USING btree ("sponsor_id");--> statement-breakpoint
CREATE INDEX "sponsorships_case" ON "sponsorships" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sponsorships_active" ON "sponsorships" USING btree ("case_id","sponsor_id") WHERE "sponsorships"."status" = 'active';--> statement-breakpoint
CREATE INDEX "pathway_candidate_events_key" ON "pathway_candidate_events" USING btree ("candidate_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "pathway_candidates_key" ON "pathway_candidates" USING btree ("programme_id","case_id","person_ref");--> statement-breakpoint
CREATE INDEX "pathway_candidates_state" ON "pathway_candidates" USING btree ("state_code","status");--> statement-breakpoint
CREATE UNIQUE INDEX "family_reunification_requests_ref" ON "family_reunification_requests" USING btree ("state_code","reference");--> statement-breakpoint
CREATE INDEX "incentive_changes_person" ON "incentive_changes" USING btree ("person_id","id");--> statement-breakpoint
CREATE INDEX "incentive_changes_round" ON "incentive_changes" USING btree ("round_id","state_code");--> statement-breakpoint
CREATE UNIQUE INDEX "incentive_claims_period" ON "incentive_claims" USING btree ("state_code","round_id","period_start","period_end");--> statement-breakpoint
CREATE INDEX "person_incentives_round" ON "person_incentives" USING btree ("round_id","state_code");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Issue 6: programmes, sponsorship, complementary pathways, incentives. Grants and row-level
-- security as for the tables of migration 0005: a state's rows to its scope (and the operator's);
-- history tables are only ever added to (no UPDATE or DELETE grant).
DO $$
DECLARE t text;
BEGIN
  EXECUTE 'GRANT SELECT, INSERT, UPDATE ON programmes, sponsors, sponsor_members, sponsorship_schemes, sponsorships, pathway_candidates, family_reunification_requests, person_incentives, incentive_claims TO pathways_app';
  EXECUTE 'GRANT SELECT, INSERT ON sponsor_events, sponsorship_scheme_versions, memoranda, sponsorship_tasks, sponsorship_messages, pathway_candidate_events, incentive_changes TO pathways_app';
  EXECUTE 'GRANT UPDATE (done_at, done_by) ON sponsorship_tasks TO pathways_app';
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO pathways_app';
  FOREACH t IN ARRAY ARRAY['programmes', 'sponsors', 'sponsor_members', 'sponsor_events', 'sponsorship_schemes', 'sponsorship_scheme_versions',
                           'memoranda', 'sponsorships', 'sponsorship_tasks', 'sponsorship_messages', 'pathway_candidates',
                           'pathway_candidate_events', 'family_reunification_requests', 'person_incentives', 'incentive_changes', 'incentive_claims'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    CONTINUE WHEN t = 'programmes';
    EXECUTE format($p$CREATE POLICY tenant_rows ON %I FOR ALL
      USING (state_code = pathways_tenant() OR pathways_tenant() = '*')
      WITH CHECK (state_code = pathways_tenant() OR pathways_tenant() = '*')$p$, t);
  END LOOP;
  -- Published, person-free: every signed-in scope reads schemes and their versions (criteria and roles per phase).
  FOREACH t IN ARRAY ARRAY['sponsorship_schemes', 'sponsorship_scheme_versions'] LOOP
    EXECUTE format($p$CREATE POLICY published_read ON %I FOR SELECT USING (pathways_tenant() <> '')$p$, t);
  END LOOP;
END $$;
--> statement-breakpoint
-- Programmes carry no person: every signed-in scope reads them; a state writes its own, the Commission the EU's (no state).
CREATE POLICY programmes_read ON programmes FOR SELECT USING (pathways_tenant() <> '');
--> statement-breakpoint
CREATE POLICY programmes_write ON programmes FOR INSERT
  WITH CHECK (pathways_tenant() = '*' OR state_code = pathways_tenant() OR (state_code IS NULL AND pathways_tenant() = 'EU'));
--> statement-breakpoint
CREATE POLICY programmes_change ON programmes FOR UPDATE
  USING (pathways_tenant() = '*' OR state_code = pathways_tenant() OR (state_code IS NULL AND pathways_tenant() = 'EU'))
  WITH CHECK (pathways_tenant() = '*' OR state_code = pathways_tenant() OR (state_code IS NULL AND pathways_tenant() = 'EU'));
--> statement-breakpoint
-- A sponsor's portal: its own record, its active sponsorships, their tasks (it marks its own done) and messages (it writes its own side);
-- when a sponsorship ends or breaks down, all of it goes out of the sponsor's sight with the household.
CREATE POLICY sponsor_own ON sponsors FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND organisation = pathways_organisation());
--> statement-breakpoint
CREATE POLICY sponsor_own ON sponsorships FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND status = 'active'
         AND EXISTS (SELECT 1 FROM sponsors s WHERE s.id = sponsorships.sponsor_id AND s.organisation = pathways_organisation()));
--> statement-breakpoint
CREATE POLICY sponsor_own ON sponsorship_tasks FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND organisation = pathways_organisation()
         AND EXISTS (SELECT 1 FROM sponsorships s WHERE s.id = sponsorship_tasks.sponsorship_id AND s.status = 'active'));
--> statement-breakpoint
CREATE POLICY sponsor_done ON sponsorship_tasks FOR UPDATE
  USING (pathways_tenant() = 'sponsor' AND organisation = pathways_organisation() AND holder = 'sponsor'
         AND EXISTS (SELECT 1 FROM sponsorships s WHERE s.id = sponsorship_tasks.sponsorship_id AND s.status = 'active'))
  WITH CHECK (pathways_tenant() = 'sponsor' AND organisation = pathways_organisation() AND holder = 'sponsor');
--> statement-breakpoint
CREATE POLICY sponsor_own ON sponsorship_messages FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND organisation = pathways_organisation()
         AND EXISTS (SELECT 1 FROM sponsorships s WHERE s.id = sponsorship_messages.sponsorship_id AND s.status = 'active'));
--> statement-breakpoint
CREATE POLICY sponsor_write ON sponsorship_messages FOR INSERT
  WITH CHECK (pathways_tenant() = 'sponsor' AND organisation = pathways_organisation() AND side = 'sponsor'
              AND EXISTS (SELECT 1 FROM sponsorships s WHERE s.id = sponsorship_messages.sponsorship_id AND s.status = 'active'));
--> statement-breakpoint
CREATE POLICY sponsor_party ON memoranda FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND EXISTS (SELECT 1 FROM sponsors s WHERE s.organisation = pathways_organisation()
                                                   AND memoranda.parties @> jsonb_build_array(jsonb_build_object('sponsorId', s.id))));
--> statement-breakpoint
-- A household is seen by its sponsor only while the support lasts: an ended or broken-down sponsorship ends the access.
DROP POLICY sponsor_read ON case_supporters;
--> statement-breakpoint
CREATE POLICY sponsor_read ON case_supporters FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND organisation = pathways_organisation() AND ended_at IS NULL);
--> statement-breakpoint
DROP POLICY sponsor_read ON cases;
--> statement-breakpoint
CREATE POLICY sponsor_read ON cases FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND EXISTS (SELECT 1 FROM case_supporters s WHERE s.case_id = cases.id AND s.organisation = pathways_organisation() AND s.ended_at IS NULL));
--> statement-breakpoint
DROP POLICY sponsor_read ON persons;
--> statement-breakpoint
CREATE POLICY sponsor_read ON persons FOR SELECT
  USING (pathways_tenant() = 'sponsor' AND EXISTS (SELECT 1 FROM case_supporters s WHERE s.case_id = persons.case_id AND s.organisation = pathways_organisation() AND s.ended_at IS NULL));
--> statement-breakpoint
-- The returns of point 27 for the Commission, from rows it may not see (as statistics_cases, 0007):
-- persons admitted (arrived) between two days, per state, pathway and programme; counts only.
CREATE FUNCTION statistics_admissions(p_from date, p_to date)
RETURNS TABLE (state_code text, pathway text, programme_code text, programme_kind text, persons int)
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
    SELECT p.state_code, p.pathway, g.code, g.kind, count(*)::int
      FROM persons p
      JOIN cases c ON c.id = p.case_id
      LEFT JOIN programmes g ON g.id = c.programme_id
     WHERE p.arrived_on BETWEEN p_from AND p_to AND p.excluded_reason IS NULL
       AND (scope IN ('EU', '*') OR p.state_code = scope)
     GROUP BY p.state_code, p.pathway, g.code, g.kind;
  PERFORM set_config('pathways.tenant', scope, true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION statistics_admissions(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION statistics_admissions(date, date) TO pathways_app;
--> statement-breakpoint
-- Sponsorships per state and status, with the breakdowns the safety net took over: counts only.
CREATE FUNCTION statistics_sponsorships()
RETURNS TABLE (state_code text, status text, sponsorships int, households int)
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
    SELECT s.state_code, s.status, count(*)::int, count(DISTINCT s.case_id)::int
      FROM sponsorships s
     WHERE scope IN ('EU', '*') OR s.state_code = scope
     GROUP BY s.state_code, s.status;
  PERFORM set_config('pathways.tenant', scope, true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION statistics_sponsorships() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION statistics_sponsorships() TO pathways_app;
--> statement-breakpoint
-- The AMIF incentives of a round per state and rate, for the Commission (the budget committed): counts and sums only.
CREATE FUNCTION statistics_incentives(p_round text)
RETURNS TABLE (state_code text, rate_id text, persons int, amount bigint)
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
    SELECT i.state_code, i.rate_id, count(*)::int, sum(i.amount)::bigint
      FROM person_incentives i
     WHERE i.round_id = p_round AND (scope IN ('EU', '*') OR i.state_code = scope)
     GROUP BY i.state_code, i.rate_id;
  PERFORM set_config('pathways.tenant', scope, true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION statistics_incentives(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION statistics_incentives(text) TO pathways_app;
--> statement-breakpoint
-- The rest of the returns of point 27 for the Commission: family reunification support given
-- (requests received in the period, by outcome) and candidates admitted to education and labour
-- programmes (their move to 'admitted' in the period). Counts only, scoped as statistics_admissions.
CREATE FUNCTION statistics_pathway_support(p_from date, p_to date)
RETURNS TABLE (state_code text, measure text, category text, n int, family_members int)
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
    SELECT r.state_code, 'family_reunification'::text, r.outcome, count(*)::int, sum(r.family_members)::int
      FROM family_reunification_requests r
     WHERE r.received_on BETWEEN p_from AND p_to AND (scope IN ('EU', '*') OR r.state_code = scope)
     GROUP BY r.state_code, r.outcome
    UNION ALL
    SELECT c.state_code, 'candidates_admitted'::text, g.pathway, count(DISTINCT c.id)::int, NULL::int
      FROM pathway_candidate_events e
      JOIN pathway_candidates c ON c.id = e.candidate_id
      JOIN programmes g ON g.id = c.programme_id
     WHERE e.to_status = 'admitted' AND e."on" BETWEEN p_from AND p_to AND (scope IN ('EU', '*') OR c.state_code = scope)
     GROUP BY c.state_code, g.pathway;
  PERFORM set_config('pathways.tenant', scope, true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION statistics_pathway_support(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION statistics_pathway_support(date, date) TO pathways_app;
--> statement-breakpoint
-- A round's budget committed: the sum of its incentives over every state, for every signed-in scope
-- (one figure, no state's split, no person).
CREATE FUNCTION statistics_incentives_committed(p_round text)
RETURNS TABLE (persons int, amount bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  scope constant text := pathways_tenant();
BEGIN
  IF scope = '' THEN
    RETURN;
  END IF;
  PERFORM set_config('pathways.tenant', '*', true);
  RETURN QUERY SELECT count(*)::int, coalesce(sum(i.amount), 0)::bigint FROM person_incentives i WHERE i.round_id = p_round;
  PERFORM set_config('pathways.tenant', scope, true);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION statistics_incentives_committed(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION statistics_incentives_committed(text) TO pathways_app;
--> statement-breakpoint
-- The histories of issue 6 are append-only for everyone, the owner included (grants alone bind only
-- the application), with the one exception the law asks for, as for case_events (migration 0005):
-- erasure blanks the free text or the evidence of a line — the columns named as the trigger's
-- arguments — and nothing else, in a transaction that declares it (pathways.erasure = on).
CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('pathways.erasure', true) = 'on'
     AND (to_jsonb(NEW) - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'a history is never edited (% on % refused)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER sponsor_events_append_only BEFORE UPDATE OR DELETE ON sponsor_events FOR EACH ROW EXECUTE FUNCTION history_append_only('reason', 'details');
--> statement-breakpoint
CREATE TRIGGER sponsorship_messages_append_only BEFORE UPDATE OR DELETE ON sponsorship_messages FOR EACH ROW EXECUTE FUNCTION history_append_only('body');
--> statement-breakpoint
CREATE TRIGGER pathway_candidate_events_append_only BEFORE UPDATE OR DELETE ON pathway_candidate_events FOR EACH ROW EXECUTE FUNCTION history_append_only('reason');
--> statement-breakpoint
CREATE TRIGGER incentive_changes_append_only BEFORE UPDATE OR DELETE ON incentive_changes FOR EACH ROW EXECUTE FUNCTION history_append_only('evidence_before', 'evidence_after');
--> statement-breakpoint
CREATE TRIGGER sponsorship_scheme_versions_append_only BEFORE UPDATE OR DELETE ON sponsorship_scheme_versions FOR EACH ROW EXECUTE FUNCTION history_append_only();
--> statement-breakpoint
CREATE TRIGGER memoranda_append_only BEFORE UPDATE OR DELETE ON memoranda FOR EACH ROW EXECUTE FUNCTION history_append_only();
--> statement-breakpoint
GRANT UPDATE (reason, details) ON sponsor_events TO pathways_app;
--> statement-breakpoint
GRANT UPDATE (body) ON sponsorship_messages TO pathways_app;
--> statement-breakpoint
GRANT UPDATE (reason) ON pathway_candidate_events TO pathways_app;
--> statement-breakpoint
GRANT UPDATE (evidence_before, evidence_after) ON incentive_changes TO pathways_app;
