ALTER TABLE "mailboxes" ADD COLUMN "quiet_history_id" bigint;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "throttled_until" timestamp with time zone;