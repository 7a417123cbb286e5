-- Issue 19, findings 4 and 11: an organisation's scope is its organisation AND one state. A
-- `referral_partner` account names the Member State its organisation has a referral agreement with
-- (made by that state's administrator) and sees that state's referrals by its organisation only; a
-- `sponsor` account names the state that registered its sponsor, whose organisation code is now
-- unique per state (so that a state learns nothing of another state's sponsors when it registers
-- one). Accounts made before this migration without a state are left as they are (NOT VALID) and
-- see nothing until the operator gives them their state.
ALTER TABLE "users" ADD CONSTRAINT "users_partner_state" CHECK (("users"."role" IN ('referral_partner', 'sponsor')) <= ("users"."state_code" IS NOT NULL)) NOT VALID;
--> statement-breakpoint
DROP INDEX "sponsors_organisation";
--> statement-breakpoint
CREATE UNIQUE INDEX "sponsors_organisation" ON "sponsors" USING btree ("state_code","organisation");
--> statement-breakpoint
-- The organisation's state, set per transaction by inScope() (src/access/scope.ts) for a partner or a sponsor only.
CREATE OR REPLACE FUNCTION pathways_organisation_state() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('pathways.organisation_state', true), '')
$$;
--> statement-breakpoint
DROP POLICY IF EXISTS partner_read ON cases;
--> statement-breakpoint
-- A referral partner reads the cases its organisation referred to the state of its agreement (the
-- service shows it their status only); without a state set it reads none.
CREATE POLICY partner_read ON cases FOR SELECT
  USING (pathways_tenant() = 'partner' AND referring_partner = pathways_organisation() AND state_code = pathways_organisation_state());
--> statement-breakpoint
-- A sponsor's scope, whatever its permissive policies (migrations 0005, 0009) let it see or write by
-- organisation, is bound to its state: a restrictive policy is ANDed with them. Other scopes pass.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['cases', 'persons', 'case_supporters', 'sponsors', 'sponsorships', 'sponsorship_tasks', 'sponsorship_messages', 'memoranda'] LOOP
    EXECUTE format($p$CREATE POLICY sponsor_state ON %I AS RESTRICTIVE FOR ALL
      USING (pathways_tenant() <> 'sponsor' OR state_code = pathways_organisation_state())
      WITH CHECK (pathways_tenant() <> 'sponsor' OR state_code = pathways_organisation_state())$p$, t);
  END LOOP;
END $$;
