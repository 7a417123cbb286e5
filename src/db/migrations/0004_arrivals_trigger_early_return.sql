-- A statement that wrote no person (an upsert whose rows were all unchanged) leaves the aggregates alone.
CREATE OR REPLACE FUNCTION persons_sync_arrivals() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  cols constant text := 'round_id, state_code, pathway, country_of_departure, arrived_on';
  delta text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM old_rows LIMIT 1;
  ELSE
    PERFORM 1 FROM new_rows LIMIT 1;
  END IF;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
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
