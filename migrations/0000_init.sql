CREATE TABLE "activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"thread_id" text NOT NULL,
	"type" text DEFAULT 'email' NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"email_subject" text NOT NULL,
	"email_direction" text NOT NULL,
	"content" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"created_by_name" text NOT NULL,
	"logged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity_links" (
	"activity_id" uuid NOT NULL,
	"org_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"activity_created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "activity_links_activity_id_entity_type_entity_id_pk" PRIMARY KEY("activity_id","entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" text,
	"mailbox_id" uuid,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"gmail_message_id" text,
	"payload" jsonb,
	"attempts" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"title" text NOT NULL,
	"stage" text DEFAULT 'open' NOT NULL,
	"contact_id" uuid,
	"lead_id" uuid
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"mailbox_id" uuid,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "events_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"state" text DEFAULT 'in_flight' NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_org_id_user_id_key_pk" PRIMARY KEY("org_id","user_id","key")
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"status" text DEFAULT 'new' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mailboxes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"user_name" text,
	"email" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"sealed_tokens" "bytea",
	"wrapped_key" "bytea",
	"key_id" text,
	"history_id" bigint,
	"watch_expires_at" timestamp with time zone,
	"watch_renewed_at" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_full_sync_at" timestamp with time zone,
	"last_push_at" timestamp with time zone,
	"last_error" text,
	"error_count" integer DEFAULT 0 NOT NULL,
	"next_retry_at" timestamp with time zone,
	"pending_revoke" boolean DEFAULT false NOT NULL,
	"settings" jsonb DEFAULT '{"excluded_labels":[],"blocked_domains":[],"blocked_addresses":[],"log_internal":false}'::jsonb NOT NULL,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disconnected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_failures" (
	"mailbox_id" uuid NOT NULL,
	"gmail_message_id" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"last_error" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_failures_mailbox_id_gmail_message_id_pk" PRIMARY KEY("mailbox_id","gmail_message_id")
);
--> statement-breakpoint
CREATE TABLE "oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"user_id" text NOT NULL,
	"user_name" text,
	"code_verifier" text NOT NULL,
	"login_hint" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_activity_id_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_failures" ADD CONSTRAINT "message_failures_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "activities_mailbox_message_uq" ON "activities" USING btree ("mailbox_id","gmail_message_id");--> statement-breakpoint
CREATE INDEX "activities_org_logged_idx" ON "activities" USING btree ("org_id","logged_at");--> statement-breakpoint
CREATE INDEX "activity_links_entity_idx" ON "activity_links" USING btree ("org_id","entity_type","entity_id","activity_created_at" DESC NULLS LAST,"activity_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "contacts_org_email_idx" ON "contacts" USING btree ("org_id",lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_message_uq" ON "dead_letters" USING btree ("mailbox_id","gmail_message_id") WHERE gmail_message_id is not null;--> statement-breakpoint
CREATE INDEX "deals_contact_idx" ON "deals" USING btree ("org_id","contact_id");--> statement-breakpoint
CREATE INDEX "deals_lead_idx" ON "deals" USING btree ("org_id","lead_id");--> statement-breakpoint
CREATE INDEX "events_undelivered_idx" ON "events" USING btree ("mailbox_id","id") WHERE delivered_at is null;--> statement-breakpoint
CREATE INDEX "leads_org_email_idx" ON "leads" USING btree ("org_id",lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "mailboxes_live_email_uq" ON "mailboxes" USING btree ("email") WHERE status <> 'disconnected';--> statement-breakpoint
CREATE UNIQUE INDEX "mailboxes_live_user_uq" ON "mailboxes" USING btree ("org_id","user_id") WHERE status <> 'disconnected';--> statement-breakpoint
CREATE INDEX "mailboxes_org_user_idx" ON "mailboxes" USING btree ("org_id","user_id");