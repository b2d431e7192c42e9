CREATE TABLE "calendar_syncs" (
	"mailbox_id" uuid PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"sync_token" text,
	"horizon_at" timestamp with time zone,
	"channel_id" text,
	"channel_resource_id" text,
	"channel_token_hash" text,
	"channel_expires_at" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_full_sync_at" timestamp with time zone,
	"last_notification_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_syncs_channel_uq" ON "calendar_syncs" USING btree ("channel_id");--> statement-breakpoint
-- hand-written
-- The calendar goes with its mailbox (calendar-schema.ts says why this key is not in the schema).
ALTER TABLE "calendar_syncs" ADD CONSTRAINT "calendar_syncs_mailbox_id_mailboxes_id_fk"
  FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade;
--> statement-breakpoint
-- A meeting's timeline and the full listing's check for events deleted while the sync token was
-- gone read a mailbox's meetings by start.
CREATE INDEX "activities_mailbox_meetings_idx" ON "activities" ("mailbox_id", "created_at")
  WHERE "type" = 'meeting';
