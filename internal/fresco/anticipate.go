package fresco

import "time"

// Anticipation (internal/anticipate): what staff remember of how a
// customer likes to be served, and the next best actions worked out from
// what the customer did. These are the stored and computed shapes;
// validation, visibility and the rules live in package anticipate.

// Preference note kinds: what a note is about.
const (
	PreferenceLikes         = "likes"
	PreferenceDislikes      = "dislikes"
	PreferenceTiming        = "timing" // when to call, visit or deliver: "don't call before 10"
	PreferenceDietary       = "dietary"
	PreferenceAccessibility = "accessibility"
	PreferenceOther         = "other"
)

// PreferenceKinds lists the kinds in the order forms offer them.
var PreferenceKinds = []string{PreferenceLikes, PreferenceDislikes, PreferenceTiming, PreferenceDietary, PreferenceAccessibility, PreferenceOther}

// Where a note came from.
const (
	SourceToldUs   = "told_us"  // the customer said so
	SourceObserved = "observed" // staff noticed
)

// PreferenceSources lists the sources.
var PreferenceSources = []string{SourceToldUs, SourceObserved}

// Why a sensitive note is sensitive.
const (
	SensitiveHealth = "health" // allergies, conditions, medication
	SensitiveFamily = "family" // bereavement, children, separation
	SensitiveOther  = "other"
)

// SensitiveCategories lists the categories of a sensitive note.
var SensitiveCategories = []string{SensitiveHealth, SensitiveFamily, SensitiveOther}

// PreferenceNote is one thing staff remember about a customer. A note is
// current until the end of ExpiresOn (a civil day, UTC midnight; nil:
// until removed). A Sensitive one (with its SensitiveCategory) is shown
// only to the roles the owner allows (Settings.SensitiveNoteRoles).
type PreferenceNote struct {
	ID                int64
	CustomerID        int64
	Kind              string
	Text              string
	Source            string
	Sensitive         bool
	SensitiveCategory string // "" unless Sensitive
	ExpiresOn         *time.Time
	CreatedBy         string
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Current reports whether the note still holds on day today (a civil day,
// UTC midnight): it has no expiry, or expires today or later.
func (n *PreferenceNote) Current(today time.Time) bool {
	return n.ExpiresOn == nil || !n.ExpiresOn.Before(today)
}

// Next best action kinds.
const (
	ActionRhythmBroken  = "rhythm_broken"  // a regular whose buying rhythm has broken
	ActionReplenishment = "replenishment"  // a product they buy every so often is due
	ActionMilestone     = "milestone"      // a 10th visit, a year with us
	ActionPromoter      = "promoter"       // a promoter who has never referred anyone
	ActionCaseReturning = "case_returning" // a customer with an open case came back
)

// ActionKinds lists the kinds, the most pressing first: the order in
// which a customer's actions are shown.
var ActionKinds = []string{ActionCaseReturning, ActionRhythmBroken, ActionReplenishment, ActionPromoter, ActionMilestone}

// What staff made of an action.
const (
	ActionDismissed = "dismissed"
	ActionDone      = "done"
)

// NextAction is one thing worth doing for a customer now, with why in
// one line and where to do it. It is computed, never stored; a mark
// (dismissed or done) keeps its kind off the customer's list for a period.
type NextAction struct {
	CustomerID int64
	Kind       string
	Reason     string    // one line, in words, about this customer only
	Link       string    // the page where staff act on it
	LinkText   string    // what the link says ("Schedule a call")
	Due        time.Time // when it became (or becomes) worth doing
}

// ActionMark is what staff made of a kind of action for a customer, and
// until when it stays off their list.
type ActionMark struct {
	CustomerID int64
	Kind       string
	Outcome    string
	Until      time.Time
	MarkedBy   string
	MarkedAt   time.Time
}
