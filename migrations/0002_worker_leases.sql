CREATE TABLE "worker_leases" (
	"worker_id" text PRIMARY KEY NOT NULL,
	"process_lock" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
