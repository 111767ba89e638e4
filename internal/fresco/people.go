package fresco

import (
	"regexp"
	"time"
)

// The employee half of the service-profit chain: what an employee learned
// (trainings), when they worked here (employment spells, each ended by an
// exit with its reason) and why people leave (the editable reason list).
// Dates are civil days in the business's calendar, held as UTC midnights.

// Training is one course an employee took.
type Training struct {
	ID         int64
	EmployeeID int64
	Course     string
	Skill      string
	TakenOn    time.Time // the day
	Hours      float64
	Cost       Money // in the business currency
	CreatedAt  time.Time
}

// Validate checks a training record before it is stored.
func (t *Training) Validate() error {
	var v Validation
	v.Text("course", t.Course, true, 200)
	v.Text("skill", t.Skill, false, 200)
	v.Check(!t.TakenOn.IsZero(), "taken_on", "is required (YYYY-MM-DD)")
	v.Check(t.Hours >= 0 && t.Hours <= 10000, "hours", "must be between 0 and 10000")
	v.Check(t.Cost >= 0, "cost", "must not be negative")
	return v.Err()
}

// Spell is one period of employment: from a hire (or rehire) to an exit.
// An exit ends the spell and never deletes the employee; a rehire opens a
// new spell.
type Spell struct {
	ID         int64
	EmployeeID int64
	StartedOn  time.Time
	LeftOn     *time.Time // nil while the spell is open
	TeamID     *int64     // the unit the spell counts in (see migration 00035)
	LocationID *int64
	Reason     string // an ExitReason slug; "" while open
	Regretted  bool   // the business would have kept them
	Notes      string // exit-interview notes: managers and owners only
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Open reports whether the employee is still in this spell.
func (s *Spell) Open() bool { return s.LeftOn == nil }

// ActiveOn reports whether the spell covers day d: started on or before it
// and not left before it. LeftOn is the last day worked, so someone whose
// last day is 31 January is not in February's headcount.
func (s *Spell) ActiveOn(d time.Time) bool {
	return !s.StartedOn.After(d) && (s.LeftOn == nil || !s.LeftOn.Before(d))
}

// Exit is what ends a spell.
type Exit struct {
	LeftOn    time.Time // the last day worked
	Reason    string
	Regretted bool
	Notes     string
}

// Validate checks an exit's own fields; whether the reason exists is the
// store's to say.
func (e *Exit) Validate(startedOn, today time.Time) error {
	var v Validation
	switch {
	case e.LeftOn.IsZero():
		v.Add("left_on", "is required (YYYY-MM-DD)")
	case e.LeftOn.After(today):
		v.Add("left_on", "%s is in the future: record the exit on or after the last day worked", e.LeftOn.Format(time.DateOnly))
	case e.LeftOn.Before(startedOn):
		v.Add("left_on", "%s is before the spell started (%s)", e.LeftOn.Format(time.DateOnly), startedOn.Format(time.DateOnly))
	}
	v.Text("reason", e.Reason, true, 64)
	v.Text("notes", e.Notes, false, 5000)
	return v.Err()
}

// ExitReason is one entry of the editable list of reasons people leave.
type ExitReason struct {
	Slug     string
	Name     string
	Position int
	Active   bool // an inactive reason is kept for the exits that used it but offered no more
}

var reasonSlug = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// Validate checks an exit reason.
func (r *ExitReason) Validate() error {
	var v Validation
	v.Check(reasonSlug.MatchString(r.Slug), "slug", "%q must be 1 to 64 lower-case letters, digits, - or _, starting with a letter", r.Slug)
	v.Text("name", r.Name, true, 100)
	return v.Err()
}
