-- One database per service (no service reads another's), created at the server's first start.
CREATE DATABASE registry;
CREATE DATABASE meetings;
CREATE DATABASE scoring;
CREATE DATABASE notifications;
