package processmap

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// FailInput is a fail point as asked for. Exactly one of Activity and
// Arrow names what it is on, by key.
type FailInput struct {
	Activity    string
	Arrow       string
	Kind        string
	Influence   string
	Note        string
	CaseIDs     []int64
	ResponseIDs []int64
	OwnerID     *int64
	Status      string // "" is open
}

// FailInputOf is the input that would leave f as it is.
func FailInputOf(f *fresco.FailPoint) FailInput {
	return FailInput{Activity: f.Activity, Arrow: f.Arrow, Kind: f.Kind, Influence: f.Influence, Note: f.Note,
		CaseIDs: slices.Clone(f.CaseIDs), ResponseIDs: slices.Clone(f.ResponseIDs), OwnerID: f.OwnerID, Status: f.Status}
}

// The codes of fail points in words.
var (
	kindWords = map[string]string{fresco.FailInefficiency: "Inefficiency", fresco.FailUnnecessaryStep: "Unnecessary step",
		fresco.FailLostTime: "Lost time", fresco.FailOther: "Other"}
	influenceWords = map[string]string{fresco.InfluenceDependability: "Dependability", fresco.InfluenceResponsiveness: "Responsiveness",
		fresco.InfluenceAuthority: "Authority", fresco.InfluenceEmpathy: "Empathy", fresco.InfluenceTangibleEvidence: "Tangible evidence"}
	statusWords = map[string]string{fresco.FixOpen: "Open", fresco.FixInProgress: "In progress", fresco.FixFixed: "Fixed",
		fresco.FixWontFix: "Won't fix"}
)

func words(m map[string]string, code string) string {
	if w, ok := m[code]; ok {
		return w
	}
	return code
}

// KindWords is a fail point's kind in words.
func KindWords(kind string) string { return words(kindWords, kind) }

// InfluenceWords is a process-quality influence in words.
func InfluenceWords(influence string) string { return words(influenceWords, influence) }

// StatusWords is a fix status in words.
func StatusWords(status string) string { return words(statusWords, status) }

// checkFail validates in against map m, naming every bad field, and
// returns the fail point it describes (fields only).
func checkFail(ctx context.Context, tx *store.Tx, m *fresco.ProcessMap, in FailInput) (*fresco.FailPoint, error) {
	var v fresco.Validation
	f := &fresco.FailPoint{MapID: m.ID, Activity: in.Activity, Arrow: in.Arrow, Kind: in.Kind, Influence: in.Influence,
		Note: strings.TrimSpace(in.Note), CaseIDs: dedupe(in.CaseIDs), ResponseIDs: dedupe(in.ResponseIDs), OwnerID: in.OwnerID, Status: in.Status}
	if f.Status == "" {
		f.Status = fresco.FixOpen
	}
	switch {
	case f.Activity == "" && f.Arrow == "":
		v.Add("activity", "a fail point is on an activity or an arrow: give activity (or arrow), a key on the map")
	case f.Activity != "" && f.Arrow != "":
		v.Add("arrow", "a fail point is on one activity or one arrow, not both")
	case f.Activity != "" && m.Activity(f.Activity) == nil:
		v.Add("activity", "no activity %q on map %d", f.Activity, m.ID)
	case f.Arrow != "" && m.Arrow(f.Arrow) == nil:
		v.Add("arrow", "no arrow %q on map %d", f.Arrow, m.ID)
	}
	v.Check(slices.Contains(fresco.FailKinds, f.Kind), "kind", "must be inefficiency, unnecessary_step, lost_time or other (got %q)", f.Kind)
	v.Check(slices.Contains(fresco.Influences, f.Influence), "influence",
		"must be dependability, responsiveness, authority, empathy or tangible_evidence (got %q)", f.Influence)
	v.Check(slices.Contains(fresco.FixStatuses, f.Status), "status", "must be open, in_progress, fixed or wont_fix (got %q)", f.Status)
	v.Text("note", f.Note, false, MaxNote)
	for _, e := range []struct {
		field, table, what string
		ids                []int64
	}{{"case_ids", "recovery_cases", "case", f.CaseIDs}, {"response_ids", "responses", "response", f.ResponseIDs}} {
		if len(e.ids) > MaxEvidence {
			v.Add(e.field, "at most %d", MaxEvidence)
			continue
		}
		missing, err := tx.MissingIDs(ctx, e.table, e.ids)
		if err != nil {
			return nil, err
		}
		if len(missing) > 0 {
			v.Add(e.field, "no %s %s", e.what, joinIDs(missing))
		}
	}
	if f.OwnerID != nil {
		active, err := tx.EmployeeActive(ctx, *f.OwnerID)
		if err != nil {
			return nil, err
		}
		v.Check(active, "owner_id", "no active employee %d", *f.OwnerID)
	}
	return f, v.Err()
}

func dedupe(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// FailPoints lists a map's fail points in the order they were marked.
func (s *Service) FailPoints(ctx context.Context, a Actor, mapID int64) ([]*fresco.FailPoint, error) {
	if _, err := s.Get(ctx, a, mapID); err != nil {
		return nil, err
	}
	return s.db.FailPoints(ctx, mapID)
}

func failAudit(ctx context.Context, tx *store.Tx, a Actor, action string, f *fresco.FailPoint) error {
	detail := map[string]any{"map_id": f.MapID, "kind": f.Kind, "influence": f.Influence, "status": f.Status}
	for k, v := range map[string]string{"activity": f.Activity, "arrow": f.Arrow} {
		if v != "" {
			detail[k] = v
		}
	}
	if f.OwnerID != nil {
		detail["owner_id"] = *f.OwnerID
	}
	for k, ids := range map[string][]int64{"case_ids": f.CaseIDs, "response_ids": f.ResponseIDs} {
		if len(ids) > 0 {
			detail[k] = ids
		}
	}
	return tx.Audit(ctx, a.Ref, action, "process_map_fail_point", strconv.FormatInt(f.ID, 10), detail)
}

// MarkFailPoint marks a fail point on map mapID. Audited.
func (s *Service) MarkFailPoint(ctx context.Context, a Actor, mapID int64, in FailInput) (*fresco.FailPoint, error) {
	if err := mayWrite(a); err != nil {
		return nil, err
	}
	var f *fresco.FailPoint
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.ProcessMap(ctx, mapID)
		if err != nil {
			return err
		}
		if f, err = checkFail(ctx, tx, m, in); err != nil {
			return err
		}
		f.CreatedBy = a.Ref
		if err := tx.InsertFailPoint(ctx, f); err != nil {
			return err
		}
		return failAudit(ctx, tx, a, "process_map.fail_point_marked", f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FailPoint returns one fail point of a map.
func (s *Service) FailPoint(ctx context.Context, _ Actor, mapID, id int64) (*fresco.FailPoint, error) {
	return s.db.FailPoint(ctx, mapID, id)
}

// UpdateFailPoint changes fail point id of map mapID to in when its
// version is still version (store.AnyVersion: any). Audited.
func (s *Service) UpdateFailPoint(ctx context.Context, a Actor, mapID, id, version int64, in FailInput) (*fresco.FailPoint, error) {
	if err := mayWrite(a); err != nil {
		return nil, err
	}
	var f *fresco.FailPoint
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.ProcessMap(ctx, mapID)
		if err != nil {
			return err
		}
		old, err := tx.FailPoint(ctx, mapID, id)
		if err != nil {
			return err
		}
		if f, err = checkFail(ctx, tx, m, in); err != nil {
			return err
		}
		f.ID, f.CreatedBy, f.CreatedAt = id, old.CreatedBy, old.CreatedAt
		var expect *int64
		if version != store.AnyVersion {
			expect = &version
		}
		ok, err := tx.UpdateFailPointIfVersion(ctx, f, expect)
		if err != nil {
			return err
		}
		if !ok {
			return fresco.Errorf(fresco.ESTALE, "fail point %d has changed since it was read", id)
		}
		return failAudit(ctx, tx, a, "process_map.fail_point_updated", f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// DeleteFailPoint removes a fail point (one marked by mistake; a fixed
// one is better kept, with its status fixed). Audited.
func (s *Service) DeleteFailPoint(ctx context.Context, a Actor, mapID, id int64) error {
	if err := mayWrite(a); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		f, err := tx.FailPoint(ctx, mapID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteFailPoint(ctx, mapID, id); err != nil {
			return err
		}
		return failAudit(ctx, tx, a, "process_map.fail_point_deleted", f)
	})
}
