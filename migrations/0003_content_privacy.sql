CREATE TABLE "activity_tombstones" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"org_id" text NOT NULL,
	"deleted_by" text NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activity_tombstones_mailbox_id_gmail_message_id_pk" PRIMARY KEY("mailbox_id","gmail_message_id")
);
--> statement-breakpoint
CREATE TABLE "org_settings" (
	"org_id" text PRIMARY KEY NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activity_tombstones" ADD CONSTRAINT "activity_tombstones_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- A mail its owner deleted is never logged again, by any path that inserts activities (sync,
-- send, repair): the database refuses it here, so no caller has to remember to check.
CREATE FUNCTION activities_skip_tombstoned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM activity_tombstones t
              WHERE t.mailbox_id = NEW.mailbox_id AND t.gmail_message_id = NEW.gmail_message_id) THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER activities_skip_tombstoned BEFORE INSERT ON activities
  FOR EACH ROW EXECUTE FUNCTION activities_skip_tombstoned();
