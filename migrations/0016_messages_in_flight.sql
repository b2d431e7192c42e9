CREATE TABLE "messages_in_flight" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"started_at" timestamp with time zone,
	"crashes" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_in_flight_mailbox_id_gmail_message_id_pk" PRIMARY KEY("mailbox_id","gmail_message_id")
);
--> statement-breakpoint
ALTER TABLE "messages_in_flight" ADD CONSTRAINT "messages_in_flight_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;