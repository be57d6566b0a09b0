-- 0001: shared reference data: enforcement agencies and API tokens.
-- (schema_migrations itself is created by `caseaudit migrate` before the first migration runs.)

-- Agencies (执法主体). Reference table: small, replicated to every node on a distributed PostgreSQL.
CREATE TABLE agencies (
  code       text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9._-]{1,64}$'),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- API bearer tokens. A token reads "ca_<id>_<secret>": <id> is public and finds the row, only a SHA-256 of
-- <secret> is stored, and the hash is compared in constant time. Reference table.
CREATE TABLE tokens (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9]{12}$'),
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
  role        text NOT NULL CHECK (role IN ('ingest', 'reviewer', 'supervisor', 'admin')),
  agencies    text[] NOT NULL DEFAULT '{}',  -- empty: every agency
  secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
