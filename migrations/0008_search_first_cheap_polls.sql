CREATE TABLE "pending_matches" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"thread_id" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"look_at" timestamp with time zone NOT NULL,
	"let_go_at" timestamp with time zone,
	CONSTRAINT "pending_matches_mailbox_id_gmail_message_id_pk" PRIMARY KEY("mailbox_id","gmail_message_id")
);
--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "announced_history_id" bigint;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "missed_push_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "pending_matches" ADD CONSTRAINT "pending_matches_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;