CREATE TABLE "erasure_keys" (
	"org_id" text PRIMARY KEY NOT NULL,
	"sealed" "bytea" NOT NULL,
	"wrapped_key" "bytea" NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"email_hash" text NOT NULL,
	"requested_by" text NOT NULL,
	"removed" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mailbox_members" (
	"mailbox_id" uuid NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"added_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mailbox_members_mailbox_id_user_id_pk" PRIMARY KEY("mailbox_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"org_id" text PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"admin_email" text NOT NULL,
	"users" jsonb NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"found" integer DEFAULT 0 NOT NULL,
	"connected" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"suspended" integer DEFAULT 0 NOT NULL,
	"checked_at" timestamp with time zone,
	"last_error" text,
	"client_id" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "mailboxes_live_user_uq";--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "connected_via" text DEFAULT 'user' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "erasures_org_hash_uq" ON "erasures" USING btree ("org_id","email_hash");--> statement-breakpoint
CREATE INDEX "mailbox_members_user_idx" ON "mailbox_members" USING btree ("org_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "workspaces_domain_uq" ON "workspaces" USING btree ("domain");--> statement-breakpoint
CREATE UNIQUE INDEX "mailboxes_live_user_uq" ON "mailboxes" USING btree ("org_id","user_id") WHERE status <> 'disconnected' and connected_via = 'user';