// Service recovery: cases, their timeline, tasks and notifications, the
// gestures granted to make amends and the authority limits that cap them
// (internal/recovery owns the rules; internal/store maps the rows).

package fresco

import (
	"encoding/json"
	"time"
)

// Case statuses. A case carries the "needs special attention" flag on its
// customer while it is open or resolved, i.e. until it is closed or merged.
const (
	CaseOpen     = "open"
	CaseResolved = "resolved"
	CaseClosed   = "closed"
	CaseMerged   = "merged"
)

// Case is one service-recovery case as stored.
type Case struct {
	ID                   int64
	CustomerID           int64
	PurchaseID           *int64
	LocationID           *int64
	ProductID            *int64
	SourceResponseID     *int64 // the response the case was opened from, if any
	Source               string
	Summary              string
	Expectation          string
	Details              json.RawMessage // the incident form: what happened, where, who, …
	Category             string
	Status               string // CaseOpen, CaseResolved, CaseClosed, CaseMerged
	State                string // the SLA state: "open", a waiting state, or "resolved"
	StateReason          string
	OwnerID              int64
	MergedInto           *int64
	OpenedAt             time.Time
	FirstResponseAt      *time.Time
	ResolvedAt           *time.Time
	ClosedAt             *time.Time
	ReopenCount          int
	RootCauseCategory    string
	RootCauseSource      string
	FollowThroughOutcome string
	SLAStatus            string // none, running, paused, warning, breached, met
	SLADeadline          *time.Time
	SLABreached          bool
	CreatedBy            string
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// CaseEvent is one entry of a case's timeline.
type CaseEvent struct {
	ID     int64
	CaseID int64
	At     time.Time
	Actor  string
	Kind   string
	Body   json.RawMessage
}

// CaseTask is a call-back, follow-through or re-survey to do for a case.
type CaseTask struct {
	ID         int64
	CaseID     int64
	Kind       string // callback, follow_through, resurvey
	Status     string // open, done, cancelled
	DueAt      time.Time
	AssigneeID *int64
	Note       string
	Outcome    string
	Result     json.RawMessage
	CreatedAt  time.Time
	DoneAt     *time.Time
	DoneBy     string
}

// CaseNotification is a message for staff about a case, recorded for the
// notifier to deliver.
type CaseNotification struct {
	ID          int64
	CaseID      int64
	EmployeeID  *int64
	Kind        string
	Message     string
	CreatedAt   time.Time
	DeliveredAt *time.Time
}

// Gesture is one entry of the recovery-gesture ledger.
type Gesture struct {
	ID                  int64
	CaseID              int64
	CustomerID          int64
	PurchaseID          *int64
	Kind                string
	Amount              Money
	Status              string // granted, pending_approval, rejected
	Note                string
	Letter              string
	RequestedBy         string
	RequestedByEmployee *int64
	RequestedRole       Role
	LimitReason         string
	DecidedBy           string
	DecidedAt           *time.Time
	DecisionNote        string
	CreatedAt           time.Time
}

// AuthorityLimit is how much one role or one employee may grant without
// approval: per gesture kind, or "*" for the total per case. A nil Amount is
// unlimited.
type AuthorityLimit struct {
	Scope  string // "role:agent" or "employee:12"
	Kind   string
	Amount *Money
}

// RecurrenceAlert says that one category, product or location has had too
// many cases in a window.
type RecurrenceAlert struct {
	ID         int64
	Dimension  string
	Value      string
	Cases      int
	WindowDays int
	CaseID     *int64
	CreatedAt  time.Time
}
