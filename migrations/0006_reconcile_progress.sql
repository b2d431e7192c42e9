CREATE TABLE "mailbox_reconciliations" (
	"mailbox_id" uuid PRIMARY KEY NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"expected" integer NOT NULL,
	"logged" integer NOT NULL,
	"skipped" integer NOT NULL,
	"repaired" integer NOT NULL,
	"missing" integer NOT NULL,
	"units" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skipped_messages" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skipped_messages_mailbox_id_gmail_message_id_pk" PRIMARY KEY("mailbox_id","gmail_message_id")
);
--> statement-breakpoint
CREATE TABLE "sync_progress" (
	"mailbox_id" uuid PRIMARY KEY NOT NULL,
	"phase" text NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"units_each" integer NOT NULL,
	"units_per_sec" double precision NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mailbox_reconciliations" ADD CONSTRAINT "mailbox_reconciliations_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skipped_messages" ADD CONSTRAINT "skipped_messages_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_progress" ADD CONSTRAINT "sync_progress_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;