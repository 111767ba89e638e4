-- Each customer's purchase summary (PostgreSQL). Keep in step with
-- ../sqlite/00016_customer_purchase_summary.sql, which says what it keeps
-- and why a write recomputes its customer's row, and with
-- purchaseSummarySelect in internal/store/purchase_summary.go.
--
-- refresh_customer_purchase_summary first locks the customer's row (FOR NO
-- KEY UPDATE, which foreign-key checks do not wait for), so that two
-- transactions writing purchases of one customer refresh it one after the
-- other, the second seeing the first's purchases.

-- +goose Up
CREATE TABLE customer_purchase_summary (
    customer_id       BIGINT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    purchases         BIGINT NOT NULL,
    first_at          TIMESTAMPTZ NOT NULL,
    last_at           TIMESTAMPTZ NOT NULL,
    last_location_id  BIGINT,
    first_positive_at TIMESTAMPTZ,
    gap_low_us        BIGINT,
    gap_high_us       BIGINT
);
CREATE INDEX customer_purchase_summary_first_positive ON customer_purchase_summary (first_positive_at);

-- +goose StatementBegin
CREATE FUNCTION refresh_customer_purchase_summary(c BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM customers WHERE id = c FOR NO KEY UPDATE;
    DELETE FROM customer_purchase_summary WHERE customer_id = c;
    INSERT INTO customer_purchase_summary (customer_id, purchases, first_at, last_at, last_location_id, first_positive_at, gap_low_us, gap_high_us)
    SELECT s.customer_id, s.purchases, s.first_at, s.last_at,
        (SELECT x.location_id FROM purchases x WHERE x.customer_id = s.customer_id ORDER BY x.purchased_at DESC, x.id DESC LIMIT 1),
        s.first_positive_at, m.gap_low, m.gap_high
    FROM (SELECT customer_id, COUNT(*) AS purchases, MIN(purchased_at) AS first_at, MAX(purchased_at) AS last_at,
            MIN(CASE WHEN total > 0 THEN purchased_at END) AS first_positive_at
        FROM purchases WHERE customer_id = c GROUP BY customer_id) s
    LEFT JOIN (SELECT customer_id, MIN(gap) AS gap_low, MAX(gap) AS gap_high
        FROM (SELECT customer_id, gap, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY gap) AS k,
                COUNT(*) OVER (PARTITION BY customer_id) AS m
            FROM (SELECT customer_id, us - LAG(us) OVER (PARTITION BY customer_id ORDER BY us) AS gap
                FROM (SELECT customer_id, (EXTRACT(EPOCH FROM purchased_at) * 1000000)::BIGINT AS us
                    FROM purchases WHERE customer_id = c) p) g
            WHERE gap IS NOT NULL) r
        WHERE k IN ((m + 1) / 2, m / 2 + 1) GROUP BY customer_id) m ON m.customer_id = s.customer_id;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION purchases_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.customer_id IS NOT NULL THEN
        PERFORM refresh_customer_purchase_summary(OLD.customer_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.customer_id IS DISTINCT FROM OLD.customer_id) THEN
        IF NEW.customer_id IS NOT NULL THEN
            PERFORM refresh_customer_purchase_summary(NEW.customer_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_summary();
CREATE TRIGGER purchases_summary_delete AFTER DELETE ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_summary();
CREATE TRIGGER purchases_summary_update AFTER UPDATE OF customer_id, purchased_at, total, location_id ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_summary();

-- Fill it from the purchases already recorded.
SELECT refresh_customer_purchase_summary(customer_id) FROM (SELECT DISTINCT customer_id FROM purchases WHERE customer_id IS NOT NULL) c;

-- +goose Down
DROP TRIGGER purchases_summary_update ON purchases;
DROP TRIGGER purchases_summary_delete ON purchases;
DROP TRIGGER purchases_summary_insert ON purchases;
DROP FUNCTION purchases_summary();
DROP FUNCTION refresh_customer_purchase_summary(BIGINT);
DROP TABLE customer_purchase_summary;
