package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// Anticipatory service (package anticipate): remembered preferences and
// next best actions.

// Preference is a preference note about a customer.
type Preference struct {
	ID                int64     `json:"id"`
	CustomerID        int64     `json:"customer_id"`
	Kind              string    `json:"kind" enum:"likes,dislikes,timing,dietary,accessibility,other"`
	Text              string    `json:"text"`
	Source            string    `json:"source" enum:"told_us,observed" doc:"told_us: the customer said so; observed: staff noticed."`
	Sensitive         bool      `json:"sensitive" doc:"Shown only to the roles the owner allows (settings' sensitive_note_roles)."`
	SensitiveCategory string    `json:"sensitive_category,omitempty" doc:"For a sensitive note: health, family or other."`
	ExpiresOn         *string   `json:"expires_on" format:"date" doc:"The last day the note holds; null: until removed."`
	Current           bool      `json:"current" doc:"Not expired today (in the business's time zone)."`
	CreatedBy         string    `json:"created_by"`
	Version           int64     `json:"version"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

func preferenceOut(today time.Time) func(n *fresco.PreferenceNote) Preference {
	return func(n *fresco.PreferenceNote) Preference {
		return Preference{ID: n.ID, CustomerID: n.CustomerID, Kind: n.Kind, Text: n.Text, Source: n.Source, Sensitive: n.Sensitive,
			SensitiveCategory: n.SensitiveCategory, ExpiresOn: dateOut(n.ExpiresOn), Current: n.Current(today),
			CreatedBy: n.CreatedBy, Version: n.Version, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
	}
}

// PreferenceInput records a note.
type PreferenceInput struct {
	Kind              string `json:"kind" doc:"likes, dislikes, timing (when to call or come: \"don't call before 10\"), dietary (and allergies), accessibility or other."`
	Text              string `json:"text" maxLength:"1000" doc:"The note, in a sentence: \"prefers the window table\"."`
	Source            string `json:"source,omitempty" doc:"told_us or observed; omitted: told_us."`
	Sensitive         bool   `json:"sensitive,omitempty" doc:"Health or family matters: shown only to the roles the owner allows."`
	SensitiveCategory string `json:"sensitive_category,omitempty" doc:"Required for a sensitive note: health, family or other."`
	ExpiresOn         string `json:"expires_on,omitempty" doc:"The last day the note holds, YYYY-MM-DD (today or later); omitted: until removed."`
}

// PreferencePatch changes some of a note's fields.
type PreferencePatch struct {
	Kind              *string `json:"kind,omitempty"`
	Text              *string `json:"text,omitempty" maxLength:"1000"`
	Source            *string `json:"source,omitempty"`
	Sensitive         *bool   `json:"sensitive,omitempty" doc:"Setting false also drops the category."`
	SensitiveCategory *string `json:"sensitive_category,omitempty"`
	ExpiresOn         *string `json:"expires_on,omitempty" doc:"YYYY-MM-DD; an empty string: until removed."`
}

// PreferenceList is a customer's notes as the caller may see them.
type PreferenceList struct {
	Items           []Preference `json:"items"`
	HiddenSensitive int          `json:"hidden_sensitive" doc:"Sensitive notes your role does not see (the owner decides who does)."`
}

func (in *PreferenceInput) note() (anticipate.Note, error) {
	var v fresco.Validation
	n := anticipate.Note{Kind: in.Kind, Text: in.Text, Source: in.Source, Sensitive: in.Sensitive,
		SensitiveCategory: in.SensitiveCategory, ExpiresOn: dateIn(&v, "expires_on", in.ExpiresOn)}
	if n.Source == "" {
		n.Source = fresco.SourceToldUs
	}
	return n, v.Err()
}

func (p *PreferencePatch) apply(n *anticipate.Note) error {
	var v fresco.Validation
	for _, f := range []struct {
		dst *string
		src *string
	}{{&n.Kind, p.Kind}, {&n.Text, p.Text}, {&n.Source, p.Source}, {&n.SensitiveCategory, p.SensitiveCategory}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if p.Sensitive != nil {
		n.Sensitive = *p.Sensitive
		if !n.Sensitive && p.SensitiveCategory == nil {
			n.SensitiveCategory = ""
		}
	}
	if p.ExpiresOn != nil {
		n.ExpiresOn = dateIn(&v, "expires_on", *p.ExpiresOn)
	}
	return v.Err()
}

// today is the current day in the business's zone, as expiry dates are kept.
func (s *Server) today(ctx context.Context) time.Time {
	y, m, d := s.now().In(s.settings.Formatter(ctx).Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *Server) listPreferences(ctx context.Context, in *struct {
	IDParam
	Current bool `query:"current" doc:"true: only the notes that have not expired."`
}) (*One[PreferenceList], error) {
	notes, hidden, err := s.anticipate.Notes(ctx, staffActor(ctx), in.ID, in.Current)
	if err != nil {
		return nil, err
	}
	out := PreferenceList{Items: make([]Preference, len(notes)), HiddenSensitive: hidden}
	conv := preferenceOut(s.today(ctx))
	for i, n := range notes {
		out.Items[i] = conv(n)
	}
	return &One[PreferenceList]{Body: out}, nil
}

func (s *Server) createPreference(ctx context.Context, in *struct {
	IDParam
	Body PreferenceInput
}) (*Created[Preference], error) {
	note, err := in.Body.note()
	if err != nil {
		return nil, err
	}
	n, err := s.anticipate.AddNote(ctx, staffActor(ctx), in.ID, note)
	if err != nil {
		return nil, err
	}
	return &Created[Preference]{Location: fmt.Sprintf("%s/preferences/%d", apiPrefix, n.ID), ETag: etag(n.Version),
		Body: preferenceOut(s.today(ctx))(n)}, nil
}

func (s *Server) getPreference(ctx context.Context, in *IDParam) (*Tagged[Preference], error) {
	n, err := s.anticipate.Note(ctx, staffActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return tagged(preferenceOut(s.today(ctx))(n), n.Version), nil
}

func (s *Server) patchPreference(ctx context.Context, in *patchInput[PreferencePatch]) (*Tagged[Preference], error) {
	a := staffActor(ctx)
	n, err := s.anticipate.Note(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("preference", n.ID, n.Version)
	if err != nil {
		return nil, err
	}
	note := anticipate.NoteOf(n)
	if err := in.Body.apply(&note); err != nil {
		return nil, err
	}
	if n, err = s.anticipate.UpdateNote(ctx, a, in.ID, version, note); err != nil {
		return nil, err
	}
	return tagged(preferenceOut(s.today(ctx))(n), n.Version), nil
}

func (s *Server) deletePreference(ctx context.Context, in *IDParam) (*struct{}, error) {
	return nil, s.anticipate.DeleteNote(ctx, staffActor(ctx), in.ID)
}

// NextAction is a next best action for a customer.
type NextAction struct {
	CustomerID   int64     `json:"customer_id"`
	CustomerName string    `json:"customer_name,omitempty" doc:"In the list across customers."`
	Kind         string    `json:"kind" enum:"case_returning,rhythm_broken,replenishment,promoter,milestone"`
	Reason       string    `json:"reason" doc:"Why, in one line about this customer only."`
	Link         string    `json:"link" doc:"The page (path) where staff act on it."`
	LinkText     string    `json:"link_text"`
	Due          time.Time `json:"due" doc:"When it became (or becomes) worth doing."`
}

func nextActionOut(a fresco.NextAction) NextAction {
	return NextAction{CustomerID: a.CustomerID, Kind: a.Kind, Reason: a.Reason, Link: a.Link, LinkText: a.LinkText, Due: a.Due}
}

// nextActionsDoc says what each kind means.
const nextActionsDoc = "Kinds, the most pressing first: case_returning (a customer with an open case bought again since it opened); " +
	"rhythm_broken (a regular — 3 or more purchases — whose time since the last is over twice their own median interval and whose " +
	"chance of still buying is below 50% at the last lifetime-value refit); replenishment (a product bought on 3 or more days at a " +
	"regular interval is due again); promoter (answered 9 or 10 to the recommend question in the last year and has referred nobody); " +
	"milestone (a 10th, 25th, 50th… visit in the last 30 days, or an anniversary of the first purchase). An action dismissed or done " +
	"stays away for that customer and kind for 90 days."

func (s *Server) customerNextActions(ctx context.Context, in *IDParam) (*itemsBody[NextAction], error) {
	list, err := s.anticipate.For(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return items(list, nextActionOut), nil
}

func (s *Server) listNextActions(ctx context.Context, in *struct {
	Kind  string `query:"kind" enum:"case_returning,rhythm_broken,replenishment,promoter,milestone," doc:"Only this kind; omitted: all."`
	Limit int    `query:"limit" minimum:"0" maximum:"200" doc:"At most this many; default 50."`
}) (*itemsBody[NextAction], error) {
	list, err := s.anticipate.List(ctx, in.Kind, in.Limit)
	if err != nil {
		return nil, err
	}
	return items(list, func(l anticipate.Listed) NextAction {
		out := nextActionOut(l.NextAction)
		if l.Customer != nil {
			out.CustomerName = l.Customer.Name
		}
		return out
	}), nil
}

// ActionMark is what staff made of an action.
type ActionMark struct {
	CustomerID int64     `json:"customer_id"`
	Kind       string    `json:"kind"`
	Outcome    string    `json:"outcome" enum:"dismissed,done"`
	Until      time.Time `json:"until" doc:"The action stays off the customer's list until then."`
	MarkedBy   string    `json:"marked_by"`
	MarkedAt   time.Time `json:"marked_at"`
}

type markInput struct {
	Kind     string `path:"kind" enum:"case_returning,rhythm_broken,replenishment,promoter,milestone" doc:"The action's kind."`
	Customer int64  `path:"customer" minimum:"1" doc:"The customer's id."`
}

func (s *Server) markNextAction(outcome string) func(ctx context.Context, in *markInput) (*One[ActionMark], error) {
	return func(ctx context.Context, in *markInput) (*One[ActionMark], error) {
		m, err := s.anticipate.Mark(ctx, staffActor(ctx), in.Kind, in.Customer, outcome)
		if err != nil {
			return nil, err
		}
		return &One[ActionMark]{Body: ActionMark{CustomerID: m.CustomerID, Kind: m.Kind, Outcome: m.Outcome, Until: m.Until,
			MarkedBy: m.MarkedBy, MarkedAt: m.MarkedAt}}, nil
	}
}
