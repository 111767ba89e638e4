-- Designed process maps (sqlite): lanes, numbered activities and arrows of a
-- service process, every version kept with who changed what and when, and
-- the fail points marked on its activities and arrows. Keep in step with
-- ../postgres/00051_process_maps.sql and internal/store/process_maps.go.
--
-- body is the map's lanes, activities and arrows as JSON
-- ({"lanes":[…],"activities":[…],"arrows":[…]}): a map is read and written
-- whole, and its parts are checked by package processmap, not by SQL.

-- +goose Up
CREATE TABLE process_maps (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    time_unit   TEXT NOT NULL CHECK (time_unit IN ('minutes','hours','days')),
    body        TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- One row per version, the first included: the whole map as it was
-- (name, description, time_unit and body as JSON) and what changed, in
-- words, as a JSON array of strings.
CREATE TABLE process_map_versions (
    map_id     INTEGER NOT NULL REFERENCES process_maps(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changes    TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    PRIMARY KEY (map_id, version)
);

-- A fail point is on one activity or one arrow, by its stable key.
-- case_ids and response_ids are JSON arrays of ids (the evidence).
CREATE TABLE process_map_fail_points (
    id           INTEGER PRIMARY KEY,
    map_id       INTEGER NOT NULL REFERENCES process_maps(id) ON DELETE CASCADE,
    activity_key TEXT NOT NULL DEFAULT '',
    arrow_key    TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL CHECK (kind IN ('inefficiency','unnecessary_step','lost_time','other')),
    influence    TEXT NOT NULL CHECK (influence IN ('dependability','responsiveness','authority','empathy','tangible_evidence')),
    note         TEXT NOT NULL DEFAULT '',
    case_ids     TEXT NOT NULL DEFAULT '[]',
    response_ids TEXT NOT NULL DEFAULT '[]',
    owner_id     INTEGER REFERENCES employees(id),
    status       TEXT NOT NULL CHECK (status IN ('open','in_progress','fixed','wont_fix')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CHECK ((activity_key = '') <> (arrow_key = ''))
);
CREATE INDEX process_map_fail_points_map ON process_map_fail_points (map_id, id);

-- +goose Down
DROP TABLE process_map_fail_points;
DROP TABLE process_map_versions;
DROP TABLE process_maps;
