CREATE TABLE outbox (
	id BIGSERIAL NOT NULL, 
	topic VARCHAR(249) NOT NULL, 
	key VARCHAR(100) NOT NULL, 
	value BYTEA NOT NULL, 
	headers JSON NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE TABLE inbox (
	event_id VARCHAR(36) NOT NULL, 
	consumer VARCHAR(100) NOT NULL, 
	processed_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (event_id, consumer)
)
;;
CREATE TABLE credentials (
	id SERIAL NOT NULL, 
	holder VARCHAR(100) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE, 
	revoked_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	UNIQUE (token_hash)
)
;;
CREATE INDEX ix_credentials_holder ON credentials (holder)
;;
CREATE TABLE audit (
	id SERIAL NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	caller VARCHAR(100) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	action VARCHAR(60) NOT NULL, 
	subject VARCHAR(100) NOT NULL, 
	reason VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE INDEX ix_audit_caller_at ON audit (caller, at)
;;
CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit is append-only'; END $$
;;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_refuse()
;;
CREATE TABLE contacts (
	reference VARCHAR(10) NOT NULL, 
	phone VARCHAR(16), 
	email VARCHAR(254), 
	language VARCHAR(2) NOT NULL, 
	updates_by VARCHAR(5) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	resolved_at TIMESTAMP WITH TIME ZONE, 
	closed_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (reference)
)
;;
CREATE TABLE subscriptions (
	id SERIAL NOT NULL, 
	community_key VARCHAR(100) NOT NULL, 
	community VARCHAR(100) NOT NULL, 
	channel VARCHAR(5) NOT NULL, 
	address VARCHAR(254) NOT NULL, 
	language VARCHAR(2) NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	confirm_hash VARCHAR(64), 
	unsubscribe_token VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	confirmed_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_subscription UNIQUE (community_key, channel, address), 
	UNIQUE (confirm_hash), 
	UNIQUE (unsubscribe_token)
)
;;
CREATE TABLE opt_outs (
	phone_hash VARCHAR(64) NOT NULL, 
	stopped_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (phone_hash)
)
;;
CREATE TABLE deliveries (
	id VARCHAR(36) NOT NULL, 
	event_id VARCHAR(36) NOT NULL, 
	subject VARCHAR(64) NOT NULL, 
	template VARCHAR(20) NOT NULL, 
	params JSON NOT NULL, 
	channel VARCHAR(5), 
	address VARCHAR(254), 
	language VARCHAR(2), 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at TIMESTAMP WITH TIME ZONE, 
	lease_owner VARCHAR(36), 
	first_attempt_at TIMESTAMP WITH TIME ZONE, 
	last_error TEXT, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	sent_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_delivery UNIQUE (event_id, channel, address)
)
;;
CREATE INDEX ix_deliveries_due ON deliveries (status, next_attempt_at)
;;
CREATE INDEX ix_deliveries_subject ON deliveries (subject)
;;
CREATE TABLE followers (
	reference VARCHAR(10) NOT NULL, 
	channel VARCHAR(5) NOT NULL, 
	address VARCHAR(254) NOT NULL, 
	language VARCHAR(2) NOT NULL, 
	joined_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (reference, channel, address)
)
