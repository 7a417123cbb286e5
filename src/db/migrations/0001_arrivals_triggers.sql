-- Keep the arrivals aggregates in step with the persons, in the same statement as every write.
-- Statement-level triggers with transition tables: one grouped upsert per statement, so a bulk
-- import of a million persons costs one aggregate pass, not a million row triggers.
-- Rows are upserted in key order so that concurrent writers lock aggregate rows in one order.
CREATE FUNCTION persons_sync_arrivals() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  cols constant text := 'round_id, state_code, pathway, country_of_departure, arrived_on';
  delta text;
BEGIN
  delta := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT %s, 1 AS n FROM new_rows', cols)
    WHEN 'DELETE' THEN format('SELECT %s, -1 AS n FROM old_rows', cols)
    ELSE format('SELECT %s, 1 AS n FROM new_rows UNION ALL SELECT %s, -1 AS n FROM old_rows', cols, cols)
  END;
  EXECUTE format($q$
    INSERT INTO arrivals_daily AS a (round_id, arrived_on, state_code, pathway, country_of_departure, persons)
    SELECT round_id, arrived_on, state_code, pathway, country_of_departure, sum(n)
      FROM (%s) d
     WHERE round_id IS NOT NULL AND arrived_on IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(n) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (round_id, arrived_on, state_code, pathway, country_of_departure)
    DO UPDATE SET persons = a.persons + excluded.persons
  $q$, delta);
  EXECUTE format($q$
    INSERT INTO arrivals_monthly AS a (round_id, state_code, pathway, country_of_departure, month, persons)
    SELECT round_id, state_code, pathway, country_of_departure, date_trunc('month', arrived_on)::date, sum(n)
      FROM (%s) d
     WHERE round_id IS NOT NULL AND arrived_on IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(n) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (round_id, state_code, pathway, country_of_departure, month)
    DO UPDATE SET persons = a.persons + excluded.persons
  $q$, delta);
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER persons_arrivals_insert AFTER INSERT ON persons
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_sync_arrivals();
--> statement-breakpoint
CREATE TRIGGER persons_arrivals_update AFTER UPDATE ON persons
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_sync_arrivals();
--> statement-breakpoint
CREATE TRIGGER persons_arrivals_delete AFTER DELETE ON persons
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_sync_arrivals();
--> statement-breakpoint
-- TRUNCATE fires no row or transition triggers: clear the aggregates with it.
CREATE FUNCTION persons_truncate_arrivals() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  TRUNCATE arrivals_daily, arrivals_monthly;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER persons_arrivals_truncate AFTER TRUNCATE ON persons
  FOR EACH STATEMENT EXECUTE FUNCTION persons_truncate_arrivals();
