CREATE TABLE "search_audits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mailbox_id" uuid NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"population" integer NOT NULL,
	"sampled" integer NOT NULL,
	"missed" integer NOT NULL,
	"widened" integer NOT NULL,
	"widened_missed" integer NOT NULL,
	"units" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pending_matches" ADD COLUMN "audit_drawn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "pending_matches" ADD COLUMN "audit_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "pending_matches" ADD COLUMN "audit_widen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "search_audits" ADD CONSTRAINT "search_audits_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_audits_mailbox" ON "search_audits" USING btree ("mailbox_id","checked_at");--> statement-breakpoint
CREATE INDEX "pending_matches_let_go" ON "pending_matches" USING btree ("mailbox_id","let_go_at") WHERE let_go_at is not null;