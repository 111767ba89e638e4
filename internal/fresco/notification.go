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

// EmailMessage is one e-mail in the outbox.
type EmailMessage struct {
	ID             int64
	NotificationID *int64
	To             string
	Subject        string
	Body           string
	Status         string
	Attempts       int
	LastError      string
	CreatedAt      time.Time
	SentAt         *time.Time
}
