package anticipate

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// MaxNoteText is the longest note: a sentence or two, not a file.
const MaxNoteText = 1000

// Note is a preference note as asked for: the fields a create or a change
// sets. ExpiresOn is a civil day (UTC midnight) or nil for "until removed".
type Note struct {
	Kind              string
	Text              string
	Source            string
	Sensitive         bool
	SensitiveCategory string
	ExpiresOn         *time.Time
}

// NoteOf is the input that would leave n as it is, for a change that sets
// some fields.
func NoteOf(n *fresco.PreferenceNote) Note {
	return Note{Kind: n.Kind, Text: n.Text, Source: n.Source, Sensitive: n.Sensitive,
		SensitiveCategory: n.SensitiveCategory, ExpiresOn: n.ExpiresOn}
}

// check validates in, naming every bad field as the API names it. A new
// note (or a changed expiry) may not expire before today: it would never
// be shown.
func check(in Note, today time.Time, expiryChanged bool) (Note, error) {
	var v fresco.Validation
	in.Text = strings.TrimSpace(in.Text)
	in.SensitiveCategory = strings.TrimSpace(in.SensitiveCategory)
	v.Check(slices.Contains(fresco.PreferenceKinds, in.Kind), "kind", "must be one of %s (got %q)", strings.Join(fresco.PreferenceKinds, ", "), in.Kind)
	v.Text("text", in.Text, true, MaxNoteText)
	v.Check(slices.Contains(fresco.PreferenceSources, in.Source), "source", "must be told_us or observed (got %q)", in.Source)
	switch {
	case in.Sensitive && in.SensitiveCategory == "":
		v.Add("sensitive_category", "is required for a sensitive note: health, family or other")
	case in.Sensitive:
		v.Check(slices.Contains(fresco.SensitiveCategories, in.SensitiveCategory), "sensitive_category",
			"must be health, family or other (got %q)", in.SensitiveCategory)
	case in.SensitiveCategory != "":
		v.Add("sensitive_category", "is only for a sensitive note: set sensitive to true, or leave the category out")
	}
	if in.ExpiresOn != nil && expiryChanged {
		v.Check(!in.ExpiresOn.Before(today), "expires_on", "is before today (%s): the note would never be shown", today.Format(time.DateOnly))
	}
	return in, v.Err()
}

// sees reports whether a may see note n.
func (s *Service) sees(ctx context.Context, a Actor, n *fresco.PreferenceNote) bool {
	return !n.Sensitive || s.opts.Settings(ctx).SeesSensitiveNotes(a.Role)
}

// SeesSensitive reports whether a sees sensitive notes.
func (s *Service) SeesSensitive(ctx context.Context, a Actor) bool {
	return s.opts.Settings(ctx).SeesSensitiveNotes(a.Role)
}

// Notes returns a customer's notes that a may see, oldest first, and how
// many sensitive ones a may not; with current, only those that have not
// expired.
func (s *Service) Notes(ctx context.Context, a Actor, customerID int64, current bool) (notes []*fresco.PreferenceNote, hidden int, err error) {
	if _, err := s.db.Customer(ctx, customerID); err != nil {
		return nil, 0, err
	}
	all, err := s.db.CustomerPreferences(ctx, customerID, current, s.today(ctx))
	if err != nil {
		return nil, 0, err
	}
	notes = make([]*fresco.PreferenceNote, 0, len(all))
	for _, n := range all {
		if s.sees(ctx, a, n) {
			notes = append(notes, n)
		} else {
			hidden++
		}
	}
	return notes, hidden, nil
}

// Note returns one note a may see (not found when they may not).
func (s *Service) Note(ctx context.Context, a Actor, id int64) (*fresco.PreferenceNote, error) {
	n, err := s.db.Preference(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.sees(ctx, a, n) {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "preference %d not found", id)
	}
	return n, nil
}

const auditEntity = "customer_preference"

// audit records a change to a note without its text: the audit log
// outlives an erasure, the note's words must not.
func audit(ctx context.Context, tx *store.Tx, a Actor, action string, n *fresco.PreferenceNote) error {
	detail := map[string]any{"customer_id": n.CustomerID, "kind": n.Kind, "source": n.Source, "sensitive": n.Sensitive}
	if n.SensitiveCategory != "" {
		detail["sensitive_category"] = n.SensitiveCategory
	}
	if n.ExpiresOn != nil {
		detail["expires_on"] = n.ExpiresOn.Format(time.DateOnly)
	}
	return tx.Audit(ctx, a.Ref, action, auditEntity, strconv.FormatInt(n.ID, 10), detail)
}

func mayWrite(a Actor) error {
	if !a.Role.CanWrite() {
		return forbidden("only owners, managers and agents record preferences")
	}
	return nil
}

// AddNote records a note about a customer. Audited.
func (s *Service) AddNote(ctx context.Context, a Actor, customerID int64, in Note) (*fresco.PreferenceNote, error) {
	if err := mayWrite(a); err != nil {
		return nil, err
	}
	in, err := check(in, s.today(ctx), true)
	if err != nil {
		return nil, err
	}
	t := s.now()
	n := &fresco.PreferenceNote{CustomerID: customerID, Kind: in.Kind, Text: in.Text, Source: in.Source, Sensitive: in.Sensitive,
		SensitiveCategory: in.SensitiveCategory, ExpiresOn: in.ExpiresOn, CreatedBy: a.Ref, CreatedAt: t, UpdatedAt: t}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Customer(ctx, customerID); err != nil {
			return err
		}
		if err := tx.InsertPreference(ctx, n); err != nil {
			return err
		}
		return audit(ctx, tx, a, "preference.created", n)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// UpdateNote changes note id to in when its version is still version
// (store.AnyVersion: any). A note a may not see is not found. Audited.
func (s *Service) UpdateNote(ctx context.Context, a Actor, id, version int64, in Note) (*fresco.PreferenceNote, error) {
	if err := mayWrite(a); err != nil {
		return nil, err
	}
	var n *fresco.PreferenceNote
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.Preference(ctx, id)
		if err != nil {
			return err
		}
		if !s.sees(ctx, a, old) {
			return fresco.Errorf(fresco.ENOTFOUND, "preference %d not found", id)
		}
		changed := old.ExpiresOn == nil != (in.ExpiresOn == nil) || old.ExpiresOn != nil && !old.ExpiresOn.Equal(*in.ExpiresOn)
		in, err := check(in, s.today(ctx), changed)
		if err != nil {
			return err
		}
		n = &fresco.PreferenceNote{ID: id, CustomerID: old.CustomerID, Kind: in.Kind, Text: in.Text, Source: in.Source,
			Sensitive: in.Sensitive, SensitiveCategory: in.SensitiveCategory, ExpiresOn: in.ExpiresOn,
			CreatedBy: old.CreatedBy, CreatedAt: old.CreatedAt, UpdatedAt: s.now()}
		var expect *int64
		if version != store.AnyVersion {
			expect = &version
		}
		ok, err := tx.UpdatePreferenceIfVersion(ctx, n, expect)
		if err != nil {
			return err
		}
		if !ok {
			return fresco.Errorf(fresco.ESTALE, "preference %d has changed since it was read", id)
		}
		return audit(ctx, tx, a, "preference.updated", n)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// DeleteNote removes a note. A note a may not see is not found. Audited.
func (s *Service) DeleteNote(ctx context.Context, a Actor, id int64) error {
	if err := mayWrite(a); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.Preference(ctx, id)
		if err != nil {
			return err
		}
		if !s.sees(ctx, a, n) {
			return fresco.Errorf(fresco.ENOTFOUND, "preference %d not found", id)
		}
		if err := tx.DeletePreference(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, "preference.deleted", n)
	})
}

// Shown is a customer's current notes as one reader may see them.
type Shown struct {
	CustomerID int64
	Notes      []*fresco.PreferenceNote
	Hidden     int // sensitive notes the reader's role does not see
}

// CurrentNotes returns the current notes of the customers of ids as a
// sees them, by customer (customers without notes are left out).
func (s *Service) CurrentNotes(ctx context.Context, a Actor, ids []int64) (map[int64]*Shown, error) {
	all, err := s.db.CurrentPreferencesOf(ctx, ids, s.today(ctx))
	if err != nil {
		return nil, err
	}
	out := map[int64]*Shown{}
	for id, notes := range all {
		sh := &Shown{CustomerID: id}
		for _, n := range notes {
			if s.sees(ctx, a, n) {
				sh.Notes = append(sh.Notes, n)
			} else {
				sh.Hidden++
			}
		}
		out[id] = sh
	}
	return out, nil
}
