-- docker-compose: one database per service, owned by the application role.
CREATE DATABASE mo_intake;
CREATE DATABASE mo_routing;
CREATE DATABASE mo_notifications;
CREATE DATABASE mo_scheduling;
