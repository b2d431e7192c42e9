CREATE TABLE "delivery_reports" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"recipient" text NOT NULL,
	"org_id" text NOT NULL,
	"activity_id" uuid,
	"kind" text NOT NULL,
	"status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "delivery_reports_mailbox_id_gmail_message_id_recipient_pk" PRIMARY KEY("mailbox_id","gmail_message_id","recipient")
);
--> statement-breakpoint
CREATE TABLE "scheduled_sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"mailbox_id" uuid NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"to_addresses" text[] NOT NULL,
	"cc_addresses" text[] NOT NULL,
	"bcc_addresses" text[] NOT NULL,
	"subject" text NOT NULL,
	"message_id_header" text NOT NULL,
	"sealed_mail" "bytea",
	"wrapped_key" "bytea",
	"key_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"attempt_started_at" timestamp with time zone,
	"history_id_before" bigint,
	"gmail_message_id" text,
	"thread_id" text,
	"activity_id" uuid,
	"sent_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sent_mail" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"org_id" text NOT NULL,
	"thread_id" text NOT NULL,
	"message_id_header" text,
	"recipients" text[] NOT NULL,
	"activity_id" uuid,
	"scheduled_id" uuid,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sent_mail_mailbox_id_gmail_message_id_pk" PRIMARY KEY("mailbox_id","gmail_message_id")
);
--> statement-breakpoint
CREATE TABLE "service_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"sealed" "bytea" NOT NULL,
	"wrapped_key" "bytea" NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"org_id" text NOT NULL,
	"canonical" text NOT NULL,
	"email" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppressions_org_id_canonical_pk" PRIMARY KEY("org_id","canonical")
);
--> statement-breakpoint
CREATE INDEX "scheduled_sends_user_idx" ON "scheduled_sends" USING btree ("org_id","user_id","send_at");--> statement-breakpoint
CREATE INDEX "scheduled_sends_pending_idx" ON "scheduled_sends" USING btree ("mailbox_id") WHERE status in ('scheduled', 'sending');--> statement-breakpoint
CREATE INDEX "sent_mail_thread_idx" ON "sent_mail" USING btree ("mailbox_id","thread_id");--> statement-breakpoint
CREATE INDEX "sent_mail_message_id_idx" ON "sent_mail" USING btree ("mailbox_id","message_id_header");--> statement-breakpoint
CREATE INDEX "sent_mail_recipients_idx" ON "sent_mail" USING gin ("recipients");