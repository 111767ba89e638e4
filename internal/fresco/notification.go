// Notifications to staff and the e-mail outbox (internal/notify delivers
// them; internal/store maps the rows).

package fresco

import (
	"encoding/json"
	"time"
)

// Notification is one message to one employee.
type Notification struct {
	ID         int64
	Event      string
	EmployeeID *int64
	Subject    string
	Body       string
	Link       string
	Data       json.RawMessage
	CreatedAt  time.Time
	ReadAt     *time.Time
}

// E-mail statuses.
const (
	EmailQueued  = "queued"
	EmailSent    = "sent"
	EmailSkipped = "skipped" // SMTP is not configured
	EmailFailed  = "failed"
)

// Why an e-mail is sent. Staff mail carries a notification; customer mail
// (every other purpose) carries its customer and an unsubscribe link.
const (
	EmailPurposeStaff      = "staff"
	EmailPurposeInvitation = "invitation" // a survey invitation
	EmailPurposeReminder   = "reminder"   // the one reminder of an unanswered invitation
	EmailPurposeCaseReply  = "case_reply" // staff answering a customer from a case
	EmailPurposeReferral   = "referral"   // a promoter thanked, with their referral link
)

// EmailMessage is one e-mail in the outbox.
type EmailMessage struct {
	ID             int64
	NotificationID *int64
	CustomerID     *int64 // customer mail: the recipient
	CaseID         *int64 // a reply from a case
	Purpose        string // EmailPurpose…; "" is staff
	To             string
	Subject        string
	Body           string // the plain-text part
	HTML           string // the HTML alternative; "" renders Body in the business's frame
	// MessageID is the Message-ID without angle brackets, fixed when the
	// message is queued so that a retry carries the same one and a reply's
	// In-Reply-To can find the case it answers. "" on mail queued before
	// it was stored (derived from the id when sent).
	MessageID  string
	InReplyTo  string // Message-ID this answers, without angle brackets
	References string // the thread's Message-IDs, space-separated, with angle brackets
	Status     string
	Attempts   int
	LastError  string
	CreatedAt  time.Time
	SentAt     *time.Time
}
