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
CREATE TABLE routed_requests (
	reference VARCHAR(10) NOT NULL, 
	category VARCHAR(40) NOT NULL, 
	area VARCHAR(10) NOT NULL, 
	community VARCHAR(100) NOT NULL, 
	description TEXT NOT NULL, 
	location JSON NOT NULL, 
	resident_contactable BOOLEAN NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	department VARCHAR(60), 
	priority VARCHAR(10), 
	due_at TIMESTAMP WITH TIME ZONE, 
	overdue_at TIMESTAMP WITH TIME ZONE, 
	rule_id INTEGER, 
	note TEXT, 
	cause VARCHAR(20), 
	cause_detail TEXT, 
	duplicate_of VARCHAR(10), 
	reopened_at TIMESTAMP WITH TIME ZONE, 
	logged_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (reference)
)
;;
CREATE INDEX ix_routed_requests_status ON routed_requests (status)
;;
CREATE TABLE status_history (
	id SERIAL NOT NULL, 
	reference VARCHAR(10) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	by VARCHAR(100) NOT NULL, 
	note TEXT, 
	PRIMARY KEY (id)
)
;;
CREATE INDEX ix_status_history_reference ON status_history (reference)
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
CREATE TABLE rules (
	id SERIAL NOT NULL, 
	category VARCHAR(40) NOT NULL, 
	area VARCHAR(10), 
	community VARCHAR(100), 
	keywords JSON NOT NULL, 
	department VARCHAR(60), 
	refer_note TEXT, 
	priority VARCHAR(10) NOT NULL, 
	target_hours INTEGER NOT NULL, 
	escalate_after_hours INTEGER NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	retired_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id)
)
;;
CREATE TABLE rule_changes (
	id SERIAL NOT NULL, 
	rule_id INTEGER NOT NULL, 
	action VARCHAR(10) NOT NULL, 
	changed_by VARCHAR(100) NOT NULL, 
	reason TEXT NOT NULL, 
	at TIMESTAMP WITH TIME ZONE NOT NULL, 
	rule JSON NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE TABLE overdue_digests (
	department VARCHAR(60) NOT NULL, 
	day DATE NOT NULL, 
	PRIMARY KEY (department, day)
)
;;
CREATE TABLE page_sessions (
	token_hash VARCHAR(64) NOT NULL, 
	holder VARCHAR(100) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	credential_hash VARCHAR(64) NOT NULL, 
	csrf VARCHAR(64) NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (token_hash)
)
;;
CREATE TABLE joined_residents (
	id SERIAL NOT NULL, 
	reference VARCHAR(10) NOT NULL, 
	joined_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE INDEX ix_joined_residents_reference ON joined_residents (reference)
