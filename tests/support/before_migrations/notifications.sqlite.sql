CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	topic VARCHAR(249) NOT NULL, 
	"key" VARCHAR(100) NOT NULL, 
	value BLOB NOT NULL, 
	headers JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE TABLE inbox (
	event_id VARCHAR(36) NOT NULL, 
	consumer VARCHAR(100) NOT NULL, 
	processed_at DATETIME NOT NULL, 
	PRIMARY KEY (event_id, consumer)
)
;;
CREATE TABLE credentials (
	id INTEGER NOT NULL, 
	holder VARCHAR(100) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME, 
	revoked_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (token_hash)
)
;;
CREATE INDEX ix_credentials_holder ON credentials (holder)
;;
CREATE TABLE audit (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
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
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit is append-only'); END
;;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit is append-only'); END
;;
CREATE TABLE contacts (
	reference VARCHAR(10) NOT NULL, 
	phone VARCHAR(16), 
	email VARCHAR(254), 
	language VARCHAR(2) NOT NULL, 
	updates_by VARCHAR(5) NOT NULL, 
	created_at DATETIME NOT NULL, 
	resolved_at DATETIME, 
	closed_at DATETIME, 
	PRIMARY KEY (reference)
)
;;
CREATE TABLE subscriptions (
	id INTEGER NOT NULL, 
	community_key VARCHAR(100) NOT NULL, 
	community VARCHAR(100) NOT NULL, 
	channel VARCHAR(5) NOT NULL, 
	address VARCHAR(254) NOT NULL, 
	language VARCHAR(2) NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	confirm_hash VARCHAR(64), 
	unsubscribe_token VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	confirmed_at DATETIME, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_subscription UNIQUE (community_key, channel, address), 
	UNIQUE (confirm_hash), 
	UNIQUE (unsubscribe_token)
)
;;
CREATE TABLE opt_outs (
	phone_hash VARCHAR(64) NOT NULL, 
	stopped_at DATETIME NOT NULL, 
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
	next_attempt_at DATETIME, 
	lease_owner VARCHAR(36), 
	first_attempt_at DATETIME, 
	last_error TEXT, 
	created_at DATETIME NOT NULL, 
	sent_at DATETIME, 
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
	joined_at DATETIME NOT NULL, 
	PRIMARY KEY (reference, channel, address)
)
