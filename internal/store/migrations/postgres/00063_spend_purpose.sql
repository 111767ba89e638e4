-- Issue 17 item 2 (postgres; keep in step with ../sqlite/00063_spend_purpose.sql).
--
-- Marketing spend is for acquisition, retention or both: retention_share is
-- the part of a record's amount spent on keeping customers (0 = all
-- acquisition, the default every existing record takes; 1 = all retention).
-- The API's "purpose" is derived from it. A record's retention part is
-- round(amount × retention_share) cents, its acquisition part the rest
-- (fresco.MarketingSpend.RetentionPart).

-- +goose Up
ALTER TABLE marketing_spend ADD COLUMN retention_share DOUBLE PRECISION NOT NULL DEFAULT 0
    CHECK (retention_share >= 0 AND retention_share <= 1);

-- +goose Down
ALTER TABLE marketing_spend DROP COLUMN retention_share;
