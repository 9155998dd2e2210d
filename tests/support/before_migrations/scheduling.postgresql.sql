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
CREATE TABLE communities (
	name VARCHAR(100) NOT NULL, 
	key VARCHAR(100) NOT NULL, 
	area VARCHAR(10) NOT NULL, 
	venue VARCHAR(120) NOT NULL, 
	starts TIME WITHOUT TIME ZONE NOT NULL, 
	ends TIME WITHOUT TIME ZONE NOT NULL, 
	last_visited DATE, 
	PRIMARY KEY (name), 
	UNIQUE (key)
)
;;
CREATE TABLE teams (
	name VARCHAR(60) NOT NULL, 
	PRIMARY KEY (name)
)
;;
CREATE TABLE visits (
	id VARCHAR(140) NOT NULL, 
	month VARCHAR(7) NOT NULL, 
	date DATE NOT NULL, 
	team VARCHAR(60) NOT NULL, 
	community VARCHAR(100) NOT NULL, 
	area VARCHAR(10) NOT NULL, 
	venue VARCHAR(120) NOT NULL, 
	starts_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	ends_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	reason TEXT, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE UNIQUE INDEX uq_visits_team_day ON visits (team, date) WHERE status = 'scheduled'
;;
CREATE INDEX ix_visits_date ON visits (date)
;;
CREATE TABLE plans (
	month VARCHAR(7) NOT NULL, 
	published_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (month)
)
;;
CREATE TABLE followed_requests (
	reference VARCHAR(10) NOT NULL, 
	community_key VARCHAR(100), 
	open BOOLEAN NOT NULL, 
	as_of TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (reference)
)
