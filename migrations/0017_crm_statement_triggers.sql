ALTER TABLE "crm_entity_changes" ADD COLUMN "entity_ids" uuid[];--> statement-breakpoint
-- hand-written
-- A CRM's bulk statement must not pay for our bookkeeping (issue 28): the per-row triggers of 0005
-- added a graphile-worker job per row (all under one key) and took minutes for 100,000 contacts.
-- Statement-level triggers read the statement's transition tables instead: the records whose
-- addresses changed are written as a few rows of at most 1,000 ids, and each org touched gets one
-- job (keyed, so a waiting one is not doubled). Transition tables cannot go with a column list
-- (UPDATE OF), so an UPDATE trigger compares the old and new rows itself and counts only the records
-- whose address, org (or, for a contact, company) changed.
UPDATE crm_entity_changes SET entity_ids = ARRAY[entity_id];
--> statement-breakpoint
ALTER TABLE crm_entity_changes ALTER COLUMN entity_ids SET NOT NULL;
--> statement-breakpoint
ALTER TABLE crm_entity_changes DROP COLUMN entity_id;
--> statement-breakpoint
DROP TRIGGER contacts_created ON contacts;
--> statement-breakpoint
DROP TRIGGER contacts_changed ON contacts;
--> statement-breakpoint
DROP TRIGGER leads_created ON leads;
--> statement-breakpoint
DROP TRIGGER leads_changed ON leads;
--> statement-breakpoint
DROP TRIGGER companies_created ON companies;
--> statement-breakpoint
DROP TRIGGER companies_changed ON companies;
--> statement-breakpoint
DROP FUNCTION crm_entity_changed();
--> statement-breakpoint
-- One function for every CRM table, told by its arguments what to read: the entity type, the
-- address column, and (for an update) the other columns whose change calls for a search. An update
-- joins the old and new rows by id and keeps the records whose address, org or those columns
-- changed (a row whose id changed counts too). The records go in chunks of 1,000 ids per org, and
-- each org written to gets one job. graphile-worker's schema is made after ours on a fresh database:
-- until then the change waits in the table.
CREATE FUNCTION crm_records_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  address text := TG_ARGV[1];
  changed text := '';
  org text;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    changed := format('AND (o.id IS NULL OR n.org_id IS DISTINCT FROM o.org_id'
                      ' OR n.%1$I IS DISTINCT FROM o.%1$I', address);
    FOR i IN 2 .. TG_NARGS - 1 LOOP
      changed := changed || format(' OR n.%1$I IS DISTINCT FROM o.%1$I', TG_ARGV[i]);
    END LOOP;
    changed := changed || ')';
  END IF;
  FOR org IN EXECUTE format($q$
    WITH per_org AS (
      SELECT n.org_id, array_agg(n.id) AS ids
        FROM new_rows n %s
       WHERE n.%I IS NOT NULL AND n.%I <> '' %s
       GROUP BY n.org_id),
    written AS (
      INSERT INTO crm_entity_changes (org_id, entity_type, entity_ids)
      SELECT per_org.org_id, $1, per_org.ids[i : i + 999]
        FROM per_org, generate_series(1, cardinality(per_org.ids), 1000) AS i
      RETURNING org_id)
    SELECT DISTINCT org_id FROM written$q$,
    CASE WHEN TG_OP = 'UPDATE' THEN 'LEFT JOIN old_rows o ON o.id = n.id' ELSE '' END,
    address, address, changed) USING TG_ARGV[0]
  LOOP
    IF to_regnamespace('graphile_worker') IS NOT NULL THEN
      PERFORM graphile_worker.add_job('retro_org', json_build_object('org_id', org),
        job_key => 'retro:' || org, max_attempts => 10);
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER contacts_created AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_records_changed('contact', 'email');
--> statement-breakpoint
CREATE TRIGGER contacts_changed AFTER UPDATE ON contacts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_records_changed('contact', 'email', 'company_id');
--> statement-breakpoint
CREATE TRIGGER leads_created AFTER INSERT ON leads REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_records_changed('lead', 'email');
--> statement-breakpoint
CREATE TRIGGER leads_changed AFTER UPDATE ON leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_records_changed('lead', 'email');
--> statement-breakpoint
CREATE TRIGGER companies_created AFTER INSERT ON companies REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_records_changed('company', 'domain');
--> statement-breakpoint
CREATE TRIGGER companies_changed AFTER UPDATE ON companies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_records_changed('company', 'domain');
