CREATE TABLE "pledge_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"round_id" text NOT NULL,
	"state_code" text NOT NULL,
	"pathway" text NOT NULL,
	"carry_over" boolean NOT NULL,
	"country_of_departure" text NOT NULL,
	"target_group" text NOT NULL,
	"places_before" integer,
	"places_after" integer NOT NULL,
	"actor" text NOT NULL,
	"source" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "saved_views" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"area" text NOT NULL,
	"name" text NOT NULL,
	"params" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pledge_changes" ADD CONSTRAINT "pledge_changes_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pledge_changes" ADD CONSTRAINT "pledge_changes_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pledge_changes_by_state" ON "pledge_changes" USING btree ("round_id","state_code","id");--> statement-breakpoint
CREATE UNIQUE INDEX "saved_views_name" ON "saved_views" USING btree ("user_id","area","name");--> statement-breakpoint
-- Pledge history: written with the change, read like the pledges (figures: every signed-in scope), never changed.
GRANT SELECT, INSERT ON pledge_changes TO pathways_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE pledge_changes_id_seq TO pathways_app;
--> statement-breakpoint
ALTER TABLE pledge_changes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE pledge_changes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_rows ON pledge_changes FOR ALL
  USING (state_code = pathways_tenant() OR pathways_tenant() = '*')
  WITH CHECK (state_code = pathways_tenant() OR pathways_tenant() = '*');
--> statement-breakpoint
CREATE POLICY figures_read ON pledge_changes FOR SELECT USING (pathways_tenant() <> '');
--> statement-breakpoint
-- Saved views: no state column and no person in them; the service reads and deletes by the signed-in account only.
GRANT SELECT, INSERT, DELETE, UPDATE (params) ON saved_views TO pathways_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE saved_views_id_seq TO pathways_app;
