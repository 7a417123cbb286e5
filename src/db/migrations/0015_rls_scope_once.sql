-- Issue 17: every row-level security policy reads the transaction's scope once per statement, not once
-- per row. A policy such as `state_code = pathways_tenant()` calls the STABLE function (a setting read,
-- a CASE on the role) for every row it filters, several times per row where the policy names it
-- several times: a count of 200,000 persons of one state took 1.41 s for the application where the
-- owner's took 28 ms. Written `(SELECT pathways_tenant())`, the call is an InitPlan: evaluated once per
-- statement, its value still usable as an index condition (29 ms for the same count). The policies
-- say the same thing: within one statement the scope cannot change (inScope sets it per transaction,
-- src/access/scope.ts). Every policy of the schema is rewritten from its own text, so that none is
-- missed; test/tenancy.test.ts holds every later policy to the same form.
DO $$
DECLARE
  p record;
  q text;
  w text;
  stmt text;
  bare constant text := '(?<!SELECT )pathways_(tenant|organisation|organisation_state)\(\)';
BEGIN
  FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
            WHERE schemaname = 'public' AND (qual ~ bare OR with_check ~ bare)
  LOOP
    q := regexp_replace(p.qual, bare, '(SELECT pathways_\1())', 'g');
    w := regexp_replace(p.with_check, bare, '(SELECT pathways_\1())', 'g');
    stmt := format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename);
    IF q IS NOT NULL THEN stmt := stmt || format(' USING (%s)', q); END IF;
    IF w IS NOT NULL THEN stmt := stmt || format(' WITH CHECK (%s)', w); END IF;
    EXECUTE stmt;
  END LOOP;
END $$;
