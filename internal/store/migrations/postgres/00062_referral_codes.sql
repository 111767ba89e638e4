-- Issue 17, item 8 (postgres; keep in step with ../sqlite/00062_referral_codes.sql).
--
-- 1. consent_referral: the customer agreed to be given a personal referral
-- link to pass on. Without it no code is issued, and the thank-you mail to a
-- promoter carries none.
--
-- 2. referral_codes: a customer's personal codes. code is random (80 bits,
-- internal/referral), unique, and meaningful only in this database: a code
-- from another business's Fresco is unknown here. A revoked code stays
-- (revoked_at set) so that the history of who referred whom keeps its
-- evidence; at most one code per customer is live at a time.

-- +goose Up
ALTER TABLE customers ADD COLUMN consent_referral BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE referral_codes (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    created_by  BIGINT REFERENCES employees(id),
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX referral_codes_customer ON referral_codes (customer_id);
CREATE UNIQUE INDEX referral_codes_live ON referral_codes (customer_id) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE referral_codes;
ALTER TABLE customers DROP COLUMN consent_referral;
