package store

// The employee pulse (fresco.Pulse, internal/pulse). Answers are stored
// without the employee: pulse_respondents says who has answered a pulse and
// nothing else, pulse_responses what was answered and from which unit. No
// query here joins the two.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// LatestPulseQuestions returns the newest version of the pulse questions;
// ok is false when none has been stored.
func (tx *Tx) LatestPulseQuestions(ctx context.Context) (*fresco.PulseQuestionSet, bool, error) {
	return latestPulseQuestions(ctx, tx)
}

// LatestPulseQuestions is Tx.LatestPulseQuestions on a reader, for a view
// that must not queue behind SQLite's one writer.
func (db *DB) LatestPulseQuestions(ctx context.Context) (*fresco.PulseQuestionSet, bool, error) {
	return latestPulseQuestions(ctx, db)
}

func latestPulseQuestions(ctx context.Context, q Querier) (qs *fresco.PulseQuestionSet, ok bool, err error) {
	qs, err = scanPulseQuestions(q.QueryRow(ctx, `SELECT version, questions, created_by, created_at
		FROM pulse_question_sets ORDER BY version DESC LIMIT 1`))
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	return qs, err == nil, err
}

// PulseQuestions returns the given versions of the pulse questions by
// version.
func (db *DB) PulseQuestions(ctx context.Context, versions []int) (map[int]*fresco.PulseQuestionSet, error) {
	out := map[int]*fresco.PulseQuestionSet{}
	if len(versions) == 0 {
		return out, nil
	}
	return out, queryEach(ctx, db, func(row rowScanner) error {
		qs, err := scanPulseQuestions(row)
		if err == nil {
			out[qs.Version] = qs
		}
		return err
	}, `SELECT version, questions, created_by, created_at FROM pulse_question_sets
		WHERE version IN (`+placeholders(len(versions))+`)`, asArgs(versions)...)
}

func scanPulseQuestions(row rowScanner) (*fresco.PulseQuestionSet, error) {
	var qs fresco.PulseQuestionSet
	var raw string
	if err := row.Scan(&qs.Version, &raw, &qs.CreatedBy, &qs.CreatedAt); err != nil {
		return nil, err
	}
	qs.CreatedAt = qs.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(raw), &qs.Questions); err != nil {
		return nil, fmt.Errorf("pulse questions version %d: %w", qs.Version, err)
	}
	return &qs, nil
}

// InsertPulseQuestions stores qs as the next version and sets its Version
// and CreatedAt.
func (tx *Tx) InsertPulseQuestions(ctx context.Context, qs *fresco.PulseQuestionSet) error {
	raw, err := json.Marshal(qs.Questions)
	if err != nil {
		return err
	}
	qs.CreatedAt = now()
	return tx.QueryRow(ctx, `INSERT INTO pulse_question_sets (version, questions, created_by, created_at)
		SELECT COALESCE(MAX(version), 0) + 1, ?, ?, ? FROM pulse_question_sets RETURNING version`,
		string(raw), qs.CreatedBy, qs.CreatedAt).Scan(&qs.Version)
}

const pulseColumns = `p.id, p.period, p.question_version, p.opened_at, p.closes_at, p.invited,
	(SELECT COUNT(*) FROM pulse_responses r WHERE r.pulse_id = p.id)`

func scanPulse(row rowScanner) (*fresco.Pulse, error) {
	var p fresco.Pulse
	err := row.Scan(&p.ID, &p.Period, &p.QuestionVersion, &p.OpenedAt, &p.ClosesAt, &p.Invited, &p.Responses)
	p.OpenedAt, p.ClosesAt = p.OpenedAt.UTC(), p.ClosesAt.UTC()
	return &p, err
}

// Pulse returns one pulse.
func (db *DB) Pulse(ctx context.Context, id int64) (*fresco.Pulse, error) {
	p, err := scanPulse(db.QueryRow(ctx, `SELECT `+pulseColumns+` FROM pulses p WHERE p.id = ?`, id))
	return p, notFound(err, "pulse", id)
}

// Pulse returns one pulse within the transaction.
func (tx *Tx) Pulse(ctx context.Context, id int64) (*fresco.Pulse, error) {
	p, err := scanPulse(tx.QueryRow(ctx, `SELECT `+pulseColumns+` FROM pulses p WHERE p.id = ?`, id))
	return p, notFound(err, "pulse", id)
}

// PulseByPeriod returns the pulse of a month (YYYY-MM); ENOTFOUND when
// there is none.
func (tx *Tx) PulseByPeriod(ctx context.Context, period string) (*fresco.Pulse, error) {
	p, err := scanPulse(tx.QueryRow(ctx, `SELECT `+pulseColumns+` FROM pulses p WHERE p.period = ?`, period))
	return p, notFound(err, "pulse for", period)
}

// Pulses lists the pulses of the months from..to (YYYY-MM, inclusive),
// oldest first.
func (db *DB) Pulses(ctx context.Context, from, to string) ([]*fresco.Pulse, error) {
	return queryAll(ctx, db, scanPulse, `SELECT `+pulseColumns+` FROM pulses p
		WHERE p.period >= ? AND p.period <= ? ORDER BY p.period`, from, to)
}

// LatestPulse returns the pulse of the latest month; ENOTFOUND when there
// is none.
func (db *DB) LatestPulse(ctx context.Context) (*fresco.Pulse, error) {
	p, err := scanPulse(db.QueryRow(ctx, `SELECT `+pulseColumns+` FROM pulses p ORDER BY p.period DESC LIMIT 1`))
	return p, notFound(err, "pulse", "latest")
}

// InsertPulse stores p and sets its ID; a month that has its pulse is a
// conflict.
func (tx *Tx) InsertPulse(ctx context.Context, p *fresco.Pulse) error {
	err := tx.QueryRow(ctx, `INSERT INTO pulses (period, question_version, opened_at, closes_at, invited)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, p.Period, p.QuestionVersion, utc(p.OpenedAt), utc(p.ClosesAt), p.Invited).Scan(&p.ID)
	if isUniqueViolation(err) {
		return conflict("period", "the pulse of %s is open already", p.Period)
	}
	return err
}

// PulseInvitees returns the ids of the active employees, who are asked to
// answer a pulse.
func (tx *Tx) PulseInvitees(ctx context.Context) ([]int64, error) {
	return queryAll(ctx, tx, scanValue[int64], `SELECT id FROM employees WHERE active ORDER BY id`)
}

// SetPulseInvited records how many employees were asked to answer.
func (tx *Tx) SetPulseInvited(ctx context.Context, pulseID int64, n int) error {
	_, err := tx.Exec(ctx, `UPDATE pulses SET invited = ? WHERE id = ?`, n, pulseID)
	return err
}

// MarkPulseAnswered records that an employee has answered a pulse; a
// second time is a conflict. The record says nothing of the answer.
func (tx *Tx) MarkPulseAnswered(ctx context.Context, pulseID, employeeID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO pulse_respondents (pulse_id, employee_id) VALUES (?, ?)`, pulseID, employeeID)
	if isUniqueViolation(err) {
		return conflict("pulse", "you have answered this pulse already")
	}
	return err
}

// PulseAnswered reports whether an employee has answered a pulse.
func (db *DB) PulseAnswered(ctx context.Context, pulseID, employeeID int64) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM pulse_respondents WHERE pulse_id = ? AND employee_id = ?`,
		pulseID, employeeID).Scan(&n)
	return n > 0, err
}

// InsertPulseResponse stores an anonymous response with its answers. Its
// id is random, so that the order of ids does not tell the order of
// answers (which a log of who answered when could match).
func (tx *Tx) InsertPulseResponse(ctx context.Context, r *fresco.PulseResponse) error {
	if err := tx.checkForeignRefs(ctx, foreignRef{field: "team_id", table: "teams", what: "team", id: r.TeamID},
		foreignRef{field: "location_id", table: "locations", what: "location", id: r.LocationID}); err != nil {
		return err
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	id := int64(binary.BigEndian.Uint64(b[:]) >> 11) // < 2^53: exact as a JSON number too
	if _, err := tx.Exec(ctx, `INSERT INTO pulse_responses (id, pulse_id, team_id, location_id, imported)
		VALUES (?, ?, ?, ?, ?)`, id, r.PulseID, nullID(r.TeamID), nullID(r.LocationID), r.Imported); err != nil {
		return err
	}
	for item, a := range r.Answers {
		if _, err := tx.Exec(ctx, `INSERT INTO pulse_answers (response_id, item, score, text) VALUES (?, ?, ?, ?)`,
			id, item, nullInt(a.Score), nullString(a.Text)); err != nil {
			return err
		}
	}
	return nil
}

// PulseUnit returns the team and location an employee's pulse answer
// counts in: their team, and their location or else their team's.
func (tx *Tx) PulseUnit(ctx context.Context, employeeID int64) (team, location *int64, err error) {
	var t, l sql.NullInt64
	err = tx.QueryRow(ctx, `SELECT e.team_id, COALESCE(e.location_id, t.location_id)
		FROM employees e LEFT JOIN teams t ON t.id = e.team_id WHERE e.id = ?`, employeeID).Scan(&t, &l)
	return ptrID(t), ptrID(l), notFound(err, "employee", employeeID)
}

// TeamLocation returns the location of a team (nil when it has none, or
// when there is no such team: InsertPulseResponse names that).
func (tx *Tx) TeamLocation(ctx context.Context, teamID int64) (*int64, error) {
	var l sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT location_id FROM teams WHERE id = ?`, teamID).Scan(&l)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return ptrID(l), err
}

// PulseAtoms counts the responses to the given pulses per pulse, team and
// location, with how many gave each score to each question.
func (db *DB) PulseAtoms(ctx context.Context, pulseIDs []int64) ([]*fresco.PulseAtom, error) {
	if len(pulseIDs) == 0 {
		return nil, nil
	}
	in := `(` + placeholders(len(pulseIDs)) + `)`
	atoms := map[string]*fresco.PulseAtom{}
	var order []*fresco.PulseAtom
	key := func(p int64, t, l sql.NullInt64) string { return fmt.Sprint(p, t, l) }
	err := queryEach(ctx, db, func(row rowScanner) error {
		var a fresco.PulseAtom
		var t, l sql.NullInt64
		if err := row.Scan(&a.PulseID, &t, &l, &a.N); err != nil {
			return err
		}
		a.TeamID, a.LocationID, a.Scores = ptrID(t), ptrID(l), map[string]map[int]int{}
		atoms[key(a.PulseID, t, l)] = &a
		order = append(order, &a)
		return nil
	}, `SELECT pulse_id, team_id, location_id, COUNT(*) FROM pulse_responses WHERE pulse_id IN `+in+`
		GROUP BY pulse_id, team_id, location_id ORDER BY pulse_id, team_id, location_id`, asArgs(pulseIDs)...)
	if err != nil {
		return nil, err
	}
	err = queryEach(ctx, db, func(row rowScanner) error {
		var p int64
		var t, l sql.NullInt64
		var item string
		var score, n int
		if err := row.Scan(&p, &t, &l, &item, &score, &n); err != nil {
			return err
		}
		a := atoms[key(p, t, l)]
		if a == nil { // a response stored between the two queries
			return nil
		}
		if a.Scores[item] == nil {
			a.Scores[item] = map[int]int{}
		}
		a.Scores[item][score] = n
		return nil
	}, `SELECT r.pulse_id, r.team_id, r.location_id, a.item, a.score, COUNT(*)
		FROM pulse_responses r JOIN pulse_answers a ON a.response_id = r.id
		WHERE r.pulse_id IN `+in+` AND a.score IS NOT NULL
		GROUP BY r.pulse_id, r.team_id, r.location_id, a.item, a.score`, asArgs(pulseIDs)...)
	return order, err
}

// PulseComments returns the free-text answers to the given pulses, with
// the unit each came from, in text order (never in the order given).
func (db *DB) PulseComments(ctx context.Context, pulseIDs []int64) ([]fresco.PulseComment, error) {
	if len(pulseIDs) == 0 {
		return nil, nil
	}
	return queryAll(ctx, db, func(row rowScanner) (fresco.PulseComment, error) {
		var c fresco.PulseComment
		var t, l sql.NullInt64
		err := row.Scan(&c.PulseID, &t, &l, &c.Item, &c.Text)
		c.TeamID, c.LocationID, c.Text = ptrID(t), ptrID(l), strings.TrimSpace(c.Text)
		return c, err
	}, `SELECT r.pulse_id, r.team_id, r.location_id, a.item, a.text
		FROM pulse_responses r JOIN pulse_answers a ON a.response_id = r.id
		WHERE r.pulse_id IN (`+placeholders(len(pulseIDs))+`) AND a.text IS NOT NULL AND a.text <> ''
		ORDER BY a.text`, asArgs(pulseIDs)...)
}

// UnitNames returns the names of every team or location (kind "team" or
// "location") by id.
func (db *DB) UnitNames(ctx context.Context, kind string) (map[int64]string, error) {
	table := "locations"
	if kind == "team" {
		table = "teams"
	}
	names := map[int64]string{}
	return names, queryMap(ctx, db, names, scanPair[int64, string], `SELECT id, name FROM `+table)
}
