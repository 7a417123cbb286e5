CREATE TABLE "countries" (
	"iso3" text PRIMARY KEY NOT NULL,
	"iso2" text,
	"name_en" text NOT NULL,
	"name_nl" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "states" (
	"code" text PRIMARY KEY NOT NULL,
	"iso2" text NOT NULL,
	"iso3" text NOT NULL,
	"name_en" text NOT NULL,
	"name_nl" text NOT NULL,
	"protocol_order" smallint NOT NULL,
	"member_until" date,
	"associated" boolean DEFAULT false NOT NULL,
	CONSTRAINT "states_iso2_unique" UNIQUE("iso2"),
	CONSTRAINT "states_iso3_unique" UNIQUE("iso3")
);
--> statement-breakpoint
CREATE TABLE "rounds" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"legal_basis" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"target" jsonb,
	"budget" jsonb,
	"previous_id" text,
	"pathways" text[] NOT NULL,
	"participants" text[],
	"priorities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"incentives" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"document_figures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pledges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"round_id" text NOT NULL,
	"state_code" text NOT NULL,
	"pathway" text NOT NULL,
	"places" integer NOT NULL,
	"carry_over" boolean DEFAULT false NOT NULL,
	"country_of_departure" text DEFAULT '' NOT NULL,
	"target_group" text DEFAULT '' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pledges_places_nonnegative" CHECK ("pledges"."places" >= 0),
	CONSTRAINT "pledges_departure_known" CHECK ("pledges"."country_of_departure" = '' OR "pledges"."country_of_departure" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"state_code" text,
	"subject" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"sha256" text,
	"actor" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rows" integer DEFAULT 0 NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"case_ref" text NOT NULL,
	"pathway" text NOT NULL,
	"round_id" text,
	"country_of_departure" text NOT NULL,
	"import_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"person_ref" text NOT NULL,
	"state_code" text NOT NULL,
	"pathway" text NOT NULL,
	"round_id" text,
	"country_of_departure" text NOT NULL,
	"citizenship" text,
	"sex" text,
	"birth_year" smallint,
	"arrived_on" date,
	"import_id" bigint,
	CONSTRAINT "persons_sex" CHECK ("persons"."sex" IN ('F', 'M', 'X')),
	CONSTRAINT "persons_codes" CHECK ("persons"."country_of_departure" ~ '^[A-Z]{3}$' AND "persons"."citizenship" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "arrivals_daily" (
	"round_id" text NOT NULL,
	"arrived_on" date NOT NULL,
	"state_code" text NOT NULL,
	"pathway" text NOT NULL,
	"country_of_departure" text NOT NULL,
	"persons" integer NOT NULL,
	CONSTRAINT "arrivals_daily_round_id_arrived_on_state_code_pathway_country_of_departure_pk" PRIMARY KEY("round_id","arrived_on","state_code","pathway","country_of_departure")
);
--> statement-breakpoint
CREATE TABLE "arrivals_monthly" (
	"round_id" text NOT NULL,
	"state_code" text NOT NULL,
	"pathway" text NOT NULL,
	"country_of_departure" text NOT NULL,
	"month" date NOT NULL,
	"persons" integer NOT NULL,
	CONSTRAINT "arrivals_monthly_round_id_state_code_pathway_country_of_departure_month_pk" PRIMARY KEY("round_id","state_code","pathway","country_of_departure","month")
);
--> statement-breakpoint
CREATE TABLE "seed_runs" (
	"name" text PRIMARY KEY NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rounds" ADD CONSTRAINT "rounds_previous_id_rounds_id_fk" FOREIGN KEY ("previous_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pledges" ADD CONSTRAINT "pledges_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pledges" ADD CONSTRAINT "pledges_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_state_code_states_code_fk" FOREIGN KEY ("state_code") REFERENCES "public"."states"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_country_of_departure_countries_iso3_fk" FOREIGN KEY ("country_of_departure") REFERENCES "public"."countries"("iso3") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pledges_key" ON "pledges" USING btree ("round_id","state_code","pathway","carry_over","country_of_departure","target_group");--> statement-breakpoint
CREATE INDEX "audit_log_state_at" ON "audit_log" USING btree ("state_code","at");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_state_ref" ON "cases" USING btree ("state_code","case_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_case_ref" ON "persons" USING btree ("case_id","person_ref");--> statement-breakpoint
CREATE INDEX "persons_state" ON "persons" USING btree ("state_code");