CREATE TABLE "import_uploads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"state_code" text NOT NULL,
	"kind" text NOT NULL,
	"filename" text NOT NULL,
	"content" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"report" jsonb,
	"round_id" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"committed_at" timestamp with time zone,
	"import_id" integer
);
--> statement-breakpoint
CREATE INDEX "import_uploads_state" ON "import_uploads" USING btree ("state_code","id");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON import_uploads TO pathways_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE import_uploads_id_seq TO pathways_app;
--> statement-breakpoint
ALTER TABLE import_uploads ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_uploads FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_rows ON import_uploads FOR ALL
  USING (state_code = pathways_tenant() OR pathways_tenant() = '*')
  WITH CHECK (state_code = pathways_tenant() OR pathways_tenant() = '*');
