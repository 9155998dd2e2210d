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
CREATE TABLE requests (
	reference VARCHAR(10) NOT NULL, 
	category VARCHAR(40) NOT NULL, 
	area VARCHAR(10) NOT NULL, 
	community VARCHAR(100) NOT NULL, 
	description TEXT NOT NULL, 
	lat FLOAT, 
	lon FLOAT, 
	visit_id VARCHAR(64), 
	agent VARCHAR(100) NOT NULL, 
	channel VARCHAR(20) NOT NULL, 
	privacy_notice_version VARCHAR(20), 
	status VARCHAR(20) NOT NULL, 
	department VARCHAR(60), 
	due_at DATETIME, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (reference)
)
;;
CREATE TABLE pairing_codes (
	code_hash VARCHAR(64) NOT NULL, 
	agent VARCHAR(100) NOT NULL, 
	expires_at DATETIME NOT NULL, 
	used_at DATETIME, 
	PRIMARY KEY (code_hash)
)
;;
CREATE TABLE devices (
	id VARCHAR(36) NOT NULL, 
	agent VARCHAR(100) NOT NULL, 
	name VARCHAR(100), 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (token_hash)
)
;;
CREATE INDEX ix_devices_agent ON devices (agent)
;;
CREATE TABLE reference_leases (
	reference VARCHAR(10) NOT NULL, 
	device_id VARCHAR(36) NOT NULL, 
	leased_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	used_at DATETIME, 
	body_sha256 VARCHAR(64), 
	PRIMARY KEY (reference)
)
;;
CREATE INDEX ix_reference_leases_device_id ON reference_leases (device_id)
;;
CREATE TABLE visits (
	id VARCHAR(140) NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	area VARCHAR(10) NOT NULL, 
	community VARCHAR(100) NOT NULL, 
	venue VARCHAR(120) NOT NULL, 
	date DATE NOT NULL, 
	starts_at DATETIME, 
	ends_at DATETIME, 
	PRIMARY KEY (id)
)
;;
CREATE TABLE privacy_requests (
	id VARCHAR(36) NOT NULL, 
	kind VARCHAR(12) NOT NULL, 
	identifier_hash VARCHAR(64) NOT NULL, 
	reason VARCHAR(200) NOT NULL, 
	asked_by VARCHAR(100) NOT NULL, 
	asked_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE INDEX ix_privacy_requests_identifier_hash ON privacy_requests (identifier_hash)
;;
CREATE TABLE privacy_answers (
	request_id VARCHAR(36) NOT NULL, 
	service VARCHAR(20) NOT NULL, 
	answer JSON NOT NULL, 
	answered_at DATETIME NOT NULL, 
	PRIMARY KEY (request_id, service)
)
;;
CREATE TABLE request_history (
	id INTEGER NOT NULL, 
	reference VARCHAR(10) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	at DATETIME NOT NULL, 
	note TEXT, 
	cause VARCHAR(20), 
	cause_detail TEXT, 
	duplicate_of VARCHAR(10), 
	PRIMARY KEY (id), 
	FOREIGN KEY(reference) REFERENCES requests (reference)
)
;;
CREATE INDEX ix_request_history_reference ON request_history (reference)
;;
CREATE TABLE idempotency_keys (
	agent VARCHAR(100) NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	body_sha256 VARCHAR(64) NOT NULL, 
	reference VARCHAR(10) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (agent, "key"), 
	FOREIGN KEY(reference) REFERENCES requests (reference)
)
