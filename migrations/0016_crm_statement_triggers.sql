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
-- The changed records of one statement (org and id, side by side): chunks per org, one job per org.
-- graphile-worker's schema is made after ours on a fresh database: until then the change waits.
CREATE FUNCTION crm_changes_add(p_type text, p_orgs text[], p_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  org text;
BEGIN
  IF p_ids IS NULL THEN RETURN; END IF;
  INSERT INTO crm_entity_changes (org_id, entity_type, entity_ids)
    SELECT per_org.org_id, p_type, per_org.ids[i : i + 999]
      FROM (SELECT c.org_id, array_agg(c.id) AS ids
              FROM unnest(p_orgs, p_ids) AS c(org_id, id) GROUP BY c.org_id) per_org,
           generate_series(1, cardinality(per_org.ids), 1000) AS i;
  IF to_regnamespace('graphile_worker') IS NOT NULL THEN
    FOR org IN SELECT DISTINCT o FROM unnest(p_orgs) AS o LOOP
      PERFORM graphile_worker.add_job('retro_org', json_build_object('org_id', org),
        job_key => 'retro:' || org, max_attempts => 10);
    END LOOP;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION crm_people_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  orgs text[];
  ids uuid[];
BEGIN
  SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids
    FROM new_rows n WHERE n.email IS NOT NULL AND n.email <> '';
  PERFORM crm_changes_add(TG_ARGV[0], orgs, ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION crm_leads_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  orgs text[];
  ids uuid[];
BEGIN
  SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids
    FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
   WHERE n.email IS NOT NULL AND n.email <> ''
     AND (o.id IS NULL OR n.email IS DISTINCT FROM o.email OR n.org_id IS DISTINCT FROM o.org_id);
  PERFORM crm_changes_add('lead', orgs, ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION crm_contacts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  orgs text[];
  ids uuid[];
BEGIN
  SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids
    FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
   WHERE n.email IS NOT NULL AND n.email <> ''
     AND (o.id IS NULL OR n.email IS DISTINCT FROM o.email OR n.org_id IS DISTINCT FROM o.org_id
          OR n.company_id IS DISTINCT FROM o.company_id);
  PERFORM crm_changes_add('contact', orgs, ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION crm_companies_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  orgs text[];
  ids uuid[];
BEGIN
  SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids
    FROM new_rows n WHERE n.domain IS NOT NULL AND n.domain <> '';
  PERFORM crm_changes_add('company', orgs, ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION crm_companies_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  orgs text[];
  ids uuid[];
BEGIN
  SELECT array_agg(n.org_id), array_agg(n.id) INTO orgs, ids
    FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
   WHERE n.domain IS NOT NULL AND n.domain <> ''
     AND (o.id IS NULL OR n.domain IS DISTINCT FROM o.domain OR n.org_id IS DISTINCT FROM o.org_id);
  PERFORM crm_changes_add('company', orgs, ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER contacts_created AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_people_inserted('contact');
--> statement-breakpoint
CREATE TRIGGER contacts_changed AFTER UPDATE ON contacts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_contacts_updated();
--> statement-breakpoint
CREATE TRIGGER leads_created AFTER INSERT ON leads REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_people_inserted('lead');
--> statement-breakpoint
CREATE TRIGGER leads_changed AFTER UPDATE ON leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_leads_updated();
--> statement-breakpoint
CREATE TRIGGER companies_created AFTER INSERT ON companies REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_companies_inserted();
--> statement-breakpoint
CREATE TRIGGER companies_changed AFTER UPDATE ON companies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION crm_companies_updated();
