CREATE TABLE "activity_privacy" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"org_id" text NOT NULL,
	"made_private_by" text NOT NULL,
	"made_private_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activity_privacy_mailbox_id_gmail_message_id_pk" PRIMARY KEY("mailbox_id","gmail_message_id")
);
--> statement-breakpoint
-- hand-written
-- A mail its owner made private is logged private again, by any path that inserts activities
-- (sync, send, repair, a retroactive search): the content is stripped here, as
-- POST /activities/{id}/private strips it, so no caller has to remember to check.
CREATE FUNCTION activities_keep_private() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM activity_privacy p
              WHERE p.mailbox_id = NEW.mailbox_id AND p.gmail_message_id = NEW.gmail_message_id) THEN
    NEW.description := '';
    NEW.content := (NEW.content - 'body_html')
      || '{"body": "", "body_new": "", "body_truncated": false, "attachments": [], "visibility": "private"}'::jsonb;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER activities_keep_private BEFORE INSERT ON activities
  FOR EACH ROW EXECUTE FUNCTION activities_keep_private();
--> statement-breakpoint
-- Activities made private before this table existed keep that decision too.
INSERT INTO activity_privacy (mailbox_id, gmail_message_id, org_id, made_private_by)
SELECT mailbox_id, gmail_message_id, org_id, 'before-0009' FROM activities
 WHERE content->>'visibility' = 'private'
ON CONFLICT DO NOTHING;
