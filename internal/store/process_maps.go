package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Designed process maps (migration 00051): a map's lanes, activities and
// arrows are one JSON body read and written whole; every version is kept
// in process_map_versions; fail points have rows of their own.

// mapBody is the JSON of process_maps.body.
type mapBody struct {
	Lanes      []fresco.MapLane     `json:"lanes"`
	Activities []fresco.MapActivity `json:"activities"`
	Arrows     []fresco.MapArrow    `json:"arrows"`
}

// mapSnapshot is the JSON of process_map_versions.snapshot: the map as
// it was at that version.
type mapSnapshot struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	TimeUnit    string `json:"time_unit"`
	mapBody
}

// orEmpty is s, or an empty slice for nil: JSON [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func bodyOf(m *fresco.ProcessMap) mapBody {
	return mapBody{Lanes: orEmpty(m.Lanes), Activities: orEmpty(m.Activities), Arrows: orEmpty(m.Arrows)}
}

func (b mapBody) into(m *fresco.ProcessMap) {
	m.Lanes, m.Activities, m.Arrows = b.Lanes, b.Activities, b.Arrows
}

const processMapColumns = `id, name, description, time_unit, body, version, created_by, updated_by, created_at, updated_at`

func scanProcessMap(row rowScanner) (*fresco.ProcessMap, error) {
	var (
		m    fresco.ProcessMap
		body string
	)
	if err := row.Scan(&m.ID, &m.Name, &m.Description, &m.TimeUnit, &body, &m.Version, &m.CreatedBy, &m.UpdatedBy,
		&m.CreatedAt, &m.UpdatedAt); err != nil {
		return nil, err
	}
	var b mapBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return nil, fmt.Errorf("process map %d: body: %w", m.ID, err)
	}
	b.into(&m)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return &m, nil
}

// ProcessMaps lists every process map, oldest first.
func (db *DB) ProcessMaps(ctx context.Context) ([]*fresco.ProcessMap, error) {
	return queryAll(ctx, db, scanProcessMap, `SELECT `+processMapColumns+` FROM process_maps ORDER BY id`)
}

// ProcessMap returns one process map (ENOTFOUND when there is none).
func (db *DB) ProcessMap(ctx context.Context, id int64) (*fresco.ProcessMap, error) {
	return processMap(ctx, db, id)
}

// ProcessMap reads one process map inside a transaction.
func (tx *Tx) ProcessMap(ctx context.Context, id int64) (*fresco.ProcessMap, error) {
	return processMap(ctx, tx, id)
}

func processMap(ctx context.Context, q Querier, id int64) (*fresco.ProcessMap, error) {
	m, err := scanOne(ctx, q, scanProcessMap, `SELECT `+processMapColumns+` FROM process_maps WHERE id = ?`, id)
	return m, notFound(err, "process map", id)
}

// InsertProcessMap stores a new map at version 1, and that version with
// changes, and sets its id, version and times.
func (tx *Tx) InsertProcessMap(ctx context.Context, m *fresco.ProcessMap, changes []string) error {
	body, err := json.Marshal(bodyOf(m))
	if err != nil {
		return err
	}
	t := now()
	m.CreatedAt, m.UpdatedAt, m.Version, m.UpdatedBy = t, t, 1, m.CreatedBy
	if err := tx.QueryRow(ctx, `INSERT INTO process_maps (name, description, time_unit, body, version, created_by, updated_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id`,
		m.Name, m.Description, m.TimeUnit, string(body), m.CreatedBy, m.UpdatedBy, t, t).Scan(&m.ID); err != nil {
		return err
	}
	return tx.insertMapVersion(ctx, m, changes)
}

// UpdateProcessMapIfVersion writes m's fields when the stored version is
// version (nil: any), moving the version on and storing the new version
// with m.UpdatedBy and changes; false when the version had moved.
func (tx *Tx) UpdateProcessMapIfVersion(ctx context.Context, m *fresco.ProcessMap, version *int64, changes []string) (bool, error) {
	body, err := json.Marshal(bodyOf(m))
	if err != nil {
		return false, err
	}
	t := now()
	err = tx.QueryRow(ctx, `UPDATE process_maps SET name = ?, description = ?, time_unit = ?, body = ?, updated_by = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		m.Name, m.Description, m.TimeUnit, string(body), m.UpdatedBy, t, m.ID, version).Scan(&m.Version)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	m.UpdatedAt = t
	return true, tx.insertMapVersion(ctx, m, changes)
}

func (tx *Tx) insertMapVersion(ctx context.Context, m *fresco.ProcessMap, changes []string) error {
	snap, err := json.Marshal(mapSnapshot{Name: m.Name, Description: m.Description, TimeUnit: m.TimeUnit, mapBody: bodyOf(m)})
	if err != nil {
		return err
	}
	what, _ := json.Marshal(nonNil(changes)) // []string always marshals
	_, err = tx.Exec(ctx, `INSERT INTO process_map_versions (map_id, version, changed_by, changed_at, changes, snapshot)
		VALUES (?, ?, ?, ?, ?, ?)`, m.ID, m.Version, m.UpdatedBy, m.UpdatedAt, string(what), string(snap))
	return err
}

// ProcessMapVersions returns every version of a map, newest first.
func (db *DB) ProcessMapVersions(ctx context.Context, mapID int64) ([]*fresco.ProcessMapVersion, error) {
	return queryAll(ctx, db, func(row rowScanner) (*fresco.ProcessMapVersion, error) {
		var (
			v             fresco.ProcessMapVersion
			changes, snap string
			s             mapSnapshot
		)
		if err := row.Scan(&v.MapID, &v.Version, &v.ChangedBy, &v.ChangedAt, &changes, &snap); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(changes), &v.Changes); err != nil {
			return nil, fmt.Errorf("process map %d version %d: changes: %w", v.MapID, v.Version, err)
		}
		if err := json.Unmarshal([]byte(snap), &s); err != nil {
			return nil, fmt.Errorf("process map %d version %d: snapshot: %w", v.MapID, v.Version, err)
		}
		v.ChangedAt = v.ChangedAt.UTC()
		v.Map = &fresco.ProcessMap{ID: v.MapID, Name: s.Name, Description: s.Description, TimeUnit: s.TimeUnit, Version: v.Version,
			UpdatedBy: v.ChangedBy, UpdatedAt: v.ChangedAt}
		s.mapBody.into(v.Map)
		return &v, nil
	}, `SELECT map_id, version, changed_by, changed_at, changes, snapshot FROM process_map_versions
		WHERE map_id = ? ORDER BY version DESC`, mapID)
}

const failPointColumns = `id, map_id, activity_key, arrow_key, kind, influence, note, case_ids, response_ids, owner_id, status,
	version, created_by, created_at, updated_at`

func scanFailPoint(row rowScanner) (*fresco.FailPoint, error) {
	var (
		f                fresco.FailPoint
		cases, responses string
		owner            sql.NullInt64
	)
	if err := row.Scan(&f.ID, &f.MapID, &f.Activity, &f.Arrow, &f.Kind, &f.Influence, &f.Note, &cases, &responses, &owner,
		&f.Status, &f.Version, &f.CreatedBy, &f.CreatedAt, &f.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cases), &f.CaseIDs); err != nil {
		return nil, fmt.Errorf("fail point %d: case_ids: %w", f.ID, err)
	}
	if err := json.Unmarshal([]byte(responses), &f.ResponseIDs); err != nil {
		return nil, fmt.Errorf("fail point %d: response_ids: %w", f.ID, err)
	}
	f.OwnerID = ptrID(owner)
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return &f, nil
}

// FailPoints lists a map's fail points in the order they were marked.
func (db *DB) FailPoints(ctx context.Context, mapID int64) ([]*fresco.FailPoint, error) {
	return failPoints(ctx, db, mapID)
}

// FailPoints lists a map's fail points inside a transaction.
func (tx *Tx) FailPoints(ctx context.Context, mapID int64) ([]*fresco.FailPoint, error) {
	return failPoints(ctx, tx, mapID)
}

func failPoints(ctx context.Context, q Querier, mapID int64) ([]*fresco.FailPoint, error) {
	return queryAll(ctx, q, scanFailPoint, `SELECT `+failPointColumns+` FROM process_map_fail_points WHERE map_id = ? ORDER BY id`, mapID)
}

// FailPoint returns one fail point of a map (ENOTFOUND when the map has
// none of that id).
func (db *DB) FailPoint(ctx context.Context, mapID, id int64) (*fresco.FailPoint, error) {
	return failPoint(ctx, db, mapID, id)
}

// FailPoint reads one fail point of a map inside a transaction.
func (tx *Tx) FailPoint(ctx context.Context, mapID, id int64) (*fresco.FailPoint, error) {
	return failPoint(ctx, tx, mapID, id)
}

func failPoint(ctx context.Context, q Querier, mapID, id int64) (*fresco.FailPoint, error) {
	f, err := scanOne(ctx, q, scanFailPoint, `SELECT `+failPointColumns+` FROM process_map_fail_points WHERE id = ? AND map_id = ?`, id, mapID)
	return f, notFound(err, "fail point", id)
}

func idsJSON(ids []int64) string {
	b, _ := json.Marshal(orEmpty(ids)) // []int64 always marshals
	return string(b)
}

// InsertFailPoint stores a new fail point and sets its id, version and times.
func (tx *Tx) InsertFailPoint(ctx context.Context, f *fresco.FailPoint) error {
	t := now()
	f.CreatedAt, f.UpdatedAt, f.Version = t, t, 1
	return tx.QueryRow(ctx, `INSERT INTO process_map_fail_points (map_id, activity_key, arrow_key, kind, influence, note, case_ids,
		response_ids, owner_id, status, version, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id`,
		f.MapID, f.Activity, f.Arrow, f.Kind, f.Influence, f.Note, idsJSON(f.CaseIDs), idsJSON(f.ResponseIDs), nullID(f.OwnerID),
		f.Status, f.CreatedBy, t, t).Scan(&f.ID)
}

// UpdateFailPointIfVersion writes f's fields when the stored version is
// version (nil: any), moving the version on; false when it had moved.
func (tx *Tx) UpdateFailPointIfVersion(ctx context.Context, f *fresco.FailPoint, version *int64) (bool, error) {
	t := now()
	err := tx.QueryRow(ctx, `UPDATE process_map_fail_points SET activity_key = ?, arrow_key = ?, kind = ?, influence = ?, note = ?,
		case_ids = ?, response_ids = ?, owner_id = ?, status = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND map_id = ? AND version = COALESCE(?, version) RETURNING version`,
		f.Activity, f.Arrow, f.Kind, f.Influence, f.Note, idsJSON(f.CaseIDs), idsJSON(f.ResponseIDs), nullID(f.OwnerID), f.Status, t,
		f.ID, f.MapID, version).Scan(&f.Version)
	if err == sql.ErrNoRows {
		return false, nil
	}
	f.UpdatedAt = t
	return err == nil, err
}

// DeleteFailPoint removes a fail point.
func (tx *Tx) DeleteFailPoint(ctx context.Context, mapID, id int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM process_map_fail_points WHERE id = ? AND map_id = ?`, id, mapID)
	return err
}

// MissingIDs returns those of ids that are not in table (one of
// recovery_cases, responses, employees), for naming bad evidence.
func (tx *Tx) MissingIDs(ctx context.Context, table string, ids []int64) ([]int64, error) {
	switch table {
	case "recovery_cases", "responses", "employees":
	default:
		return nil, fmt.Errorf("MissingIDs: table %q", table)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cond, arg := idSet(tx.Dialect(), "id", ids)
	found, err := queryAll(ctx, tx, scanValue[int64], `SELECT id FROM `+table+` WHERE `+cond, arg)
	if err != nil {
		return nil, err
	}
	have := make(map[int64]bool, len(found))
	for _, id := range found {
		have[id] = true
	}
	var missing []int64
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}
