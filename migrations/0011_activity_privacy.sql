CREATE TABLE "activity_privacy" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"org_id" text NOT NULL,
	"made_private_by" text NOT NULL,
	"made_private_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activity_privacy_mailbox_id_gmail_message_id_pk" PRIMARY KEY("mailbox_id","gmail_message_id")
);
--> statement-breakpoint
ALTER TABLE "activity_privacy" ADD CONSTRAINT "activity_privacy_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- hand-written
-- A mail its owner made private is logged private again, by any path that inserts activities
-- (sync, send, repair, a retroactive search): the content is stripped here, as
-- POST /activities/{id}/private strips it (a meeting's place and link included), so no caller has
-- to remember to check.
CREATE FUNCTION activities_keep_private() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM activity_privacy p
              WHERE p.mailbox_id = NEW.mailbox_id AND p.gmail_message_id = NEW.gmail_message_id) THEN
    NEW.description := '';
    NEW.content := jsonb_set(jsonb_set((NEW.content - 'body_html')
      || '{"body": "", "body_new": "", "body_truncated": false, "attachments": [], "visibility": "private"}'::jsonb,
      '{meeting,location}', 'null'), '{meeting,conference_url}', 'null');
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER activities_keep_private BEFORE INSERT ON activities
  FOR EACH ROW EXECUTE FUNCTION activities_keep_private();
--> statement-breakpoint
-- Activities made private before this table existed keep that decision too.
INSERT INTO activity_privacy (mailbox_id, gmail_message_id, org_id, made_private_by)
SELECT mailbox_id, gmail_message_id, org_id, 'before-0011' FROM activities
 WHERE content->>'visibility' = 'private'
ON CONFLICT DO NOTHING;
