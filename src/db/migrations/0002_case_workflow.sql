CREATE TABLE "case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"state_code" text NOT NULL,
	"on" date NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"reason" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "status" text DEFAULT 'referred' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "held_from" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "status_on" date;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "priority" text DEFAULT 'normal' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "primary_category" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "secondary_category" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "modality" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "referring_partner" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "partner_ref" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "linked_refs" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "relationship" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "needs" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_events_case" ON "case_events" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "cases_state_status" ON "cases" USING btree ("state_code","status");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_priority" CHECK ("cases"."priority" IN ('emergency', 'urgent', 'normal'));--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_modality" CHECK ("cases"."modality" IN ('in_person', 'remote', 'dossier'));--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_status" CHECK ("status" IN ('referred', 'under_review', 'accepted', 'rejected', 'deferred', 'checks', 'pre_departure', 'travel_arranged', 'departed', 'arrived', 'post_arrival', 'reception', 'integration', 'closed', 'on_hold', 'withdrawn'));--> statement-breakpoint
-- Cases that the ledger already holds: arrived where a member has arrived, else referred.
UPDATE "cases" c SET "status" = 'arrived', "status_on" = a.first_arrival
  FROM (SELECT case_id, min(arrived_on) AS first_arrival FROM persons WHERE arrived_on IS NOT NULL GROUP BY case_id) a
 WHERE a.case_id = c.id;--> statement-breakpoint
-- The history of a case is never edited.
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the history of a case is never edited (% on case_events refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END
$fn$;--> statement-breakpoint
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events FOR EACH ROW EXECUTE FUNCTION case_events_append_only();--> statement-breakpoint
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
