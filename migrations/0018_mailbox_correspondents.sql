CREATE TABLE "mailbox_correspondents" (
	"mailbox_id" uuid NOT NULL,
	"address" text NOT NULL,
	"domain" text NOT NULL,
	"mails" integer DEFAULT 0 NOT NULL,
	"crm_mails" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mailbox_correspondents_mailbox_id_address_pk" PRIMARY KEY("mailbox_id","address")
);
--> statement-breakpoint
ALTER TABLE "mailbox_correspondents" ADD CONSTRAINT "mailbox_correspondents_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mailbox_correspondents_domain_idx" ON "mailbox_correspondents" USING btree ("mailbox_id","domain");