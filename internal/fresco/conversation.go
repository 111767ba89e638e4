// A case's e-mail conversation with its customer: what staff sent from the
// case and what the customer sent back (internal/recovery writes it,
// internal/store maps the rows).

package fresco

import (
	"strings"
	"time"
)

// Directions of a case message.
const (
	MessageOut = "out" // from the business to the customer
	MessageIn  = "in"  // from the customer
)

// CaseMessage is one e-mail in a case's thread.
type CaseMessage struct {
	ID         int64
	CaseID     int64
	Direction  string // MessageOut or MessageIn
	EmailID    *int64 // the outbox record of an outgoing message
	MessageID  string // without angle brackets
	InReplyTo  string // without angle brackets
	References string // space-separated, with angle brackets, as in the header
	From       string
	To         string
	Subject    string
	Text       string
	HTML       string
	EmployeeID *int64 // who wrote an outgoing message
	CreatedAt  time.Time
	// Attachments of the message; lists carry them without Data.
	Attachments []CaseAttachment
}

// CaseAttachment is a file that came with a case message.
type CaseAttachment struct {
	ID          int64
	MessageID   int64 // the CaseMessage it came with
	Filename    string
	ContentType string
	Size        int64
	Data        []byte // only when read one by one
	CreatedAt   time.Time
}

// Mailbox is "Name <address>" as people read it and as a From header may
// carry it (RFC 6532): a name in any script as it is, quoted only when it
// holds a character that would confuse the address. mail.Address.String
// would store "João" as "=?utf-8?q?Jo=C3=A3o?=", which is for the wire of
// old mail systems, not for the case page.
func Mailbox(name, addr string) string {
	if name == "" {
		return addr
	}
	if strings.ContainsAny(name, `"(),:;<>@[\]`) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + addr + ">"
}
