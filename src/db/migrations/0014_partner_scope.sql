-- Issue 19, finding 4: a referral partner's scope is its organisation AND the state of its referral
-- agreement. The agreement is the account: a `referral_partner` account names the one Member State
-- its organisation refers to (made by that state's administrator), and sees that state's referrals
-- by its organisation only. Accounts made before this migration without a state are left as they are
-- (NOT VALID) and see nothing until the operator gives them their state.
ALTER TABLE "users" ADD CONSTRAINT "users_partner_state" CHECK (("users"."role" = 'referral_partner') <= ("users"."state_code" IS NOT NULL)) NOT VALID;
--> statement-breakpoint
-- The agreement's state, set per transaction by inScope() (src/access/scope.ts) for a partner only.
CREATE OR REPLACE FUNCTION pathways_partner_state() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('pathways.partner_state', true), '')
$$;
--> statement-breakpoint
DROP POLICY IF EXISTS partner_read ON cases;
--> statement-breakpoint
-- A referral partner reads the cases its organisation referred to the state of its agreement (the
-- service shows it their status only); without a state set it reads none.
CREATE POLICY partner_read ON cases FOR SELECT
  USING (pathways_tenant() = 'partner' AND referring_partner = pathways_organisation() AND state_code = pathways_partner_state());
