-- The application logs in as :"app"; every table belongs to :"owner", a role the application never logs in as
-- (migrations run as the owner). So the application cannot ALTER/DISABLE/DROP the audit triggers, cannot
-- TRUNCATE, and on the audit events may only INSERT and seal pending rows (the trigger allows nothing else).
-- Run after every `migrate` (psql -v owner=fazhi_owner -v app=fazhi_app -f scripts/pg_roles.sql DBNAME).
GRANT USAGE ON SCHEMA public TO :"app";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
-- Audit: append, and seal a pending event (seq, prev_hash, hash, state); never rewrite or remove.
REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent FROM :"app";
GRANT UPDATE (seq, prev_hash, hash) ON core_auditevent TO :"app";
REVOKE DELETE, TRUNCATE ON core_auditchainhead FROM :"app";
REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM :"app";
