// The audit log (services record entries inside their transactions).

package fresco

import (
	"encoding/json"
	"time"
)

// AuditEntry is one recorded change: who did what to which record.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string // e.g. "employee:12" or "token:3"
	Action   string // e.g. "create", "update", "revoke"
	Entity   string // e.g. "customer"
	EntityID string
	Detail   json.RawMessage
}
