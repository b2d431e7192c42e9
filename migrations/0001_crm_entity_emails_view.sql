-- Every address the CRM knows, by entity. Linking reads only this view, so a deployment with
-- its own CRM tables can redefine it. Addresses are lower-cased here so lookups use the
-- lower(email) indexes on contacts and leads.
CREATE VIEW crm_entity_emails AS
  SELECT org_id, 'contact'::text AS entity_type, id AS entity_id, lower(email) AS email
    FROM contacts WHERE email IS NOT NULL AND email <> ''
  UNION ALL
  SELECT org_id, 'lead'::text AS entity_type, id AS entity_id, lower(email) AS email
    FROM leads WHERE email IS NOT NULL AND email <> '';
