-- Gestures by when they were asked for (both engines alike; keep in step
-- with the other engine's 00048). The latitude audit (internal/latitude)
-- reads the gestures asked for in a window of months: without this index
-- each view scanned the whole ledger.
-- +goose Up
CREATE INDEX gestures_created ON gestures (created_at);

-- +goose Down
DROP INDEX gestures_created;
