ALTER TABLE "contacts" ADD COLUMN "source" text;--> statement-breakpoint
CREATE INDEX "activities_thread_idx" ON "activities" USING btree ("thread_id");