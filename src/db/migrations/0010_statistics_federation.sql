CREATE TABLE "statistics_datasets" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"basis" text NOT NULL,
	"unit" text DEFAULT 'persons' NOT NULL,
	"rounding" integer DEFAULT 1 NOT NULL,
	"extracted_on" date,
	"definitions" text NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"figures" integer NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_by" text NOT NULL,
	CONSTRAINT "statistics_datasets_source" CHECK ("statistics_datasets"."source" IN ('unhcr', 'eurostat')),
	CONSTRAINT "statistics_datasets_basis" CHECK ("statistics_datasets"."basis" IN ('origin', 'citizenship', 'departure')),
	CONSTRAINT "statistics_datasets_rounding" CHECK ("statistics_datasets"."rounding" >= 1)
);
--> statement-breakpoint
CREATE TABLE "statistics_figures" (
	"dataset_id" integer NOT NULL,
	"year" integer NOT NULL,
	"area" text NOT NULL,
	"state_code" text,
	"partner" text NOT NULL,
	"partner_iso3" text,
	"value" integer,
	"flags" text,
	CONSTRAINT "statistics_figures_dataset_id_year_area_partner_pk" PRIMARY KEY("dataset_id","year","area","partner"),
	CONSTRAINT "statistics_figures_value" CHECK ("statistics_figures"."value" IS NULL OR "statistics_figures"."value" >= 0)
);
--> statement-breakpoint
CREATE TABLE "federation_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"public_key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"registered_by" text NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "federation_returns" (
	"id" serial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"round_id" text NOT NULL,
	"as_of" date NOT NULL,
	"nonce" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"digest" text NOT NULL,
	"payload" jsonb NOT NULL,
	"signature" text NOT NULL,
	"key_id" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "federation_returns_sent" (
	"id" serial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"round_id" text NOT NULL,
	"as_of" date NOT NULL,
	"nonce" text NOT NULL,
	"digest" text NOT NULL,
	"to_url" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_by" text NOT NULL,
	"outcome" text NOT NULL,
	"receipt" jsonb,
	"error" text,
	CONSTRAINT "federation_returns_sent_outcome" CHECK ("federation_returns_sent"."outcome" IN ('accepted', 'duplicate', 'refused'))
);
--> statement-breakpoint
ALTER TABLE "statistics_figures" ADD CONSTRAINT "statistics_figures_dataset_id_statistics_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."statistics_datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "federation_returns" ADD CONSTRAINT "federation_returns_key_id_federation_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."federation_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "statistics_datasets_file" ON "statistics_datasets" USING btree ("source","sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "federation_keys_fingerprint" ON "federation_keys" USING btree ("fingerprint");--> statement-breakpoint
CREATE UNIQUE INDEX "federation_returns_nonce" ON "federation_returns" USING btree ("nonce");--> statement-breakpoint
CREATE UNIQUE INDEX "federation_returns_content" ON "federation_returns" USING btree ("state_code","round_id","as_of","digest");--> statement-breakpoint
-- ── Hand-written: grants and row-level security of issue 7 ────────────────────────────────────
-- Reference statistics are public figures: every scope reads them (the open-data page too, in the
-- public scope; a connection that set no scope sees nothing, as everywhere); the
-- Commission and the operator import and remove them (the services check who, the policy again).
GRANT SELECT, INSERT, DELETE ON statistics_datasets, statistics_figures TO pathways_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON federation_keys TO pathways_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON federation_returns, federation_returns_sent TO pathways_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON statistics_datasets_id_seq, federation_keys_id_seq, federation_returns_id_seq, federation_returns_sent_id_seq TO pathways_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['statistics_datasets', 'statistics_figures', 'federation_keys', 'federation_returns', 'federation_returns_sent'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE POLICY public_read ON statistics_datasets FOR SELECT USING (pathways_tenant() <> '');
--> statement-breakpoint
CREATE POLICY commission_write ON statistics_datasets FOR ALL USING (pathways_tenant() IN ('EU', '*')) WITH CHECK (pathways_tenant() IN ('EU', '*'));
--> statement-breakpoint
CREATE POLICY public_read ON statistics_figures FOR SELECT USING (pathways_tenant() <> '');
--> statement-breakpoint
CREATE POLICY commission_write ON statistics_figures FOR ALL USING (pathways_tenant() IN ('EU', '*')) WITH CHECK (pathways_tenant() IN ('EU', '*'));
--> statement-breakpoint
-- Public keys are public: whoever verifies a return reads them; the Commission registers and revokes them.
CREATE POLICY public_read ON federation_keys FOR SELECT USING (pathways_tenant() <> '');
--> statement-breakpoint
CREATE POLICY commission_write ON federation_keys FOR ALL USING (pathways_tenant() IN ('EU', '*')) WITH CHECK (pathways_tenant() IN ('EU', '*'));
--> statement-breakpoint
-- Returns received: written in the scope of the state whose key verified them (the service sets
-- that scope only after the signature is verified); read by the Commission and by that state.
CREATE POLICY tenant_rows ON federation_returns FOR ALL
  USING (state_code = pathways_tenant() OR pathways_tenant() IN ('EU', '*'))
  WITH CHECK (state_code = pathways_tenant() OR pathways_tenant() = '*');
--> statement-breakpoint
CREATE POLICY tenant_rows ON federation_returns_sent FOR ALL
  USING (state_code = pathways_tenant() OR pathways_tenant() = '*')
  WITH CHECK (state_code = pathways_tenant() OR pathways_tenant() = '*');
--> statement-breakpoint
-- Both are records: a return received or sent is never edited or removed, by the owner neither.
CREATE TRIGGER federation_returns_append_only BEFORE UPDATE OR DELETE ON federation_returns FOR EACH ROW EXECUTE FUNCTION history_append_only();
--> statement-breakpoint
CREATE TRIGGER federation_returns_sent_append_only BEFORE UPDATE OR DELETE ON federation_returns_sent FOR EACH ROW EXECUTE FUNCTION history_append_only();
