// The closed loop: follow-ups after a bad answer and satisfaction calls after
// a purchase (internal/loop owns the rules; internal/store maps the rows).

package fresco

import "time"

// Follow-up statuses.
const (
	FollowUpOpen   = "open"
	FollowUpClosed = "closed"
)

// FollowUp is the task of getting back to a customer after a bad answer; it
// closes only with a recorded contact and outcome.
type FollowUp struct {
	ID                int64
	ResponseID        int64
	CustomerID        *int64
	LocationID        *int64
	OwnerID           *int64
	ManagerID         *int64
	Reasons           []string // detractor, csat_low, complaint
	DueAt             time.Time
	Status            string
	ContactAt         *time.Time
	ContactChannel    string
	Outcome           string
	ClosedBy          string
	ClosedAt          *time.Time
	OverdueNotifiedAt *time.Time
	CreatedAt         time.Time
	// Read-only extras for lists.
	CustomerName string
	OwnerName    string
	NPS, CSAT    *int
	Comment      string
}

// CallTask is a follow-up satisfaction call due some days after a purchase.
type CallTask struct {
	ID          int64
	PurchaseID  int64
	CustomerID  int64
	EmployeeID  *int64
	TeamID      *int64
	LocationID  *int64
	DueAt       time.Time
	Status      string // open, done, no_answer, declined, skipped
	Outcome     string
	ResponseID  *int64
	CompletedAt *time.Time
	CompletedBy string
	CreatedAt   time.Time
	// Read-only extras for lists.
	CustomerName   string
	PurchasedAt    time.Time
	PurchaseNumber string // the purchase's external id, "" when it has none
}

// Leaving is one satisfied customer who seems to be leaving, with the
// evidence (internal/loop finds them).
type Leaving struct {
	CustomerID         int64
	CustomerName       string
	LocationID         *int64 // of the last purchase, else of the answer
	LastScore          int
	LastScoreType      string // "nps" or "csat"
	LastAnswerAt       time.Time
	Purchases          int
	LastPurchaseAt     time.Time
	MedianIntervalDays *float64
	DaysSinceLast      float64
	PAlive             *float64
	Rule               string // "p_alive" or "gap"
}
