CREATE TABLE "list_senders" (
	"org_id" text NOT NULL,
	"address" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "list_senders_org_id_address_pk" PRIMARY KEY("org_id","address")
);
