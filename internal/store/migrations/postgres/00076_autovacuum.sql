-- Issue 10 (postgres; keep in step with ../sqlite/00076_autovacuum.sql).
--
-- Autovacuum settings of the tables that grow by appends and of the one
-- that churns (docs/operations.md, "PostgreSQL statistics and
-- autovacuum"). By default a table is analysed after 10% growth and
-- vacuumed after 20% of inserts: at 6 million purchases that is 600,000
-- new rows on stale statistics (a new month's date ranges estimated at a
-- few rows) and 1.2 million whose pages are not yet all-visible, so every
-- index-only scan of them reads the table too. The jobs table is
-- inserted, updated and pruned all day, so it is vacuumed after 1% dead
-- rows, faster. Settings per table, so a server's own postgresql.conf
-- still governs the rest.

-- +goose Up
ALTER TABLE purchases        SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE purchase_lines   SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE responses        SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE response_answers SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE jobs             SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_limit = 2000);

-- +goose Down
ALTER TABLE purchases        RESET (autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);
ALTER TABLE purchase_lines   RESET (autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);
ALTER TABLE responses        RESET (autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);
ALTER TABLE response_answers RESET (autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);
ALTER TABLE jobs             RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_cost_limit);
