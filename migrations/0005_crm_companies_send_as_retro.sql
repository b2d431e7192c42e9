CREATE TABLE "companies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"domain" text
);
--> statement-breakpoint
CREATE TABLE "crm_entity_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "company_id" uuid;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "send_as" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "send_as_refreshed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "companies_org_domain_idx" ON "companies" USING btree ("org_id",lower("domain"));--> statement-breakpoint
CREATE INDEX "crm_entity_changes_org_idx" ON "crm_entity_changes" USING btree ("org_id","id");--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Company domains, by company. Linking reads only this view, so a deployment with its own CRM
-- tables can redefine it (as it can crm_entity_emails). Lower-cased so lookups use the index above.
CREATE VIEW crm_company_domains AS
  SELECT org_id, id AS entity_id, lower(domain) AS domain
    FROM companies WHERE domain IS NOT NULL AND domain <> '';
--> statement-breakpoint
-- A CRM record whose addresses changed is written down and its org's retroactive search queued in
-- the same transaction: the CRM calls nothing, and the search sees the committed record. The job is
-- keyed per org, so a bulk import wakes one search that batches its addresses. graphile-worker's
-- schema is made after ours on a fresh database: until then the change waits in the table.
CREATE FUNCTION crm_entity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO crm_entity_changes (org_id, entity_type, entity_id)
    VALUES (NEW.org_id, TG_ARGV[0], NEW.id);
  IF to_regnamespace('graphile_worker') IS NOT NULL THEN
    PERFORM graphile_worker.add_job('retro_org', json_build_object('org_id', NEW.org_id),
      job_key => 'retro:' || NEW.org_id, max_attempts => 10);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER contacts_created AFTER INSERT ON contacts FOR EACH ROW
  WHEN (NEW.email IS NOT NULL AND NEW.email <> '') EXECUTE FUNCTION crm_entity_changed('contact');
--> statement-breakpoint
CREATE TRIGGER contacts_changed AFTER UPDATE OF email, org_id, company_id ON contacts FOR EACH ROW
  WHEN (NEW.email IS NOT NULL AND NEW.email <> '' AND (NEW.email IS DISTINCT FROM OLD.email
        OR NEW.org_id IS DISTINCT FROM OLD.org_id OR NEW.company_id IS DISTINCT FROM OLD.company_id))
  EXECUTE FUNCTION crm_entity_changed('contact');
--> statement-breakpoint
CREATE TRIGGER leads_created AFTER INSERT ON leads FOR EACH ROW
  WHEN (NEW.email IS NOT NULL AND NEW.email <> '') EXECUTE FUNCTION crm_entity_changed('lead');
--> statement-breakpoint
CREATE TRIGGER leads_changed AFTER UPDATE OF email, org_id ON leads FOR EACH ROW
  WHEN (NEW.email IS NOT NULL AND NEW.email <> ''
        AND (NEW.email IS DISTINCT FROM OLD.email OR NEW.org_id IS DISTINCT FROM OLD.org_id))
  EXECUTE FUNCTION crm_entity_changed('lead');
--> statement-breakpoint
CREATE TRIGGER companies_created AFTER INSERT ON companies FOR EACH ROW
  WHEN (NEW.domain IS NOT NULL AND NEW.domain <> '') EXECUTE FUNCTION crm_entity_changed('company');
--> statement-breakpoint
CREATE TRIGGER companies_changed AFTER UPDATE OF domain, org_id ON companies FOR EACH ROW
  WHEN (NEW.domain IS NOT NULL AND NEW.domain <> ''
        AND (NEW.domain IS DISTINCT FROM OLD.domain OR NEW.org_id IS DISTINCT FROM OLD.org_id))
  EXECUTE FUNCTION crm_entity_changed('company');
