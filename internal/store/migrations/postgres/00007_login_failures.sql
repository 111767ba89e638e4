-- Failed-login counters shared by every replica (PostgreSQL). Keep in step with
-- ../sqlite/00007_login_failures.sql.
--
-- One row per limited key: 'account:<e-mail>' or 'address:<client address>'.
-- internal/auth treats a row as a token bucket: failures still count against
-- the key and are forgiven continuously (burst per window), so failures is
-- fractional. A missing row means no failures. Rows are written only through
-- store.UpdateLoginFailures, which locks them for the whole check-and-count,
-- and are deleted by store.PruneLoginFailures once clear_at has passed.
-- To unlock an account by hand:
--   DELETE FROM login_failures WHERE key = 'account:ada@example.com';

-- +goose Up
CREATE TABLE login_failures (
    key        TEXT PRIMARY KEY,
    failures   DOUBLE PRECISION NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL, -- when failures was last brought up to date
    clear_at   TIMESTAMPTZ NOT NULL  -- when failures will have decayed to zero
);
CREATE INDEX login_failures_clear_at ON login_failures (clear_at);

-- +goose Down
DROP TABLE login_failures;
