// Webhook subscriptions and their deliveries (internal/notify signs and
// delivers them; internal/store maps the rows).

package fresco

import "time"

// Webhook is a subscription: POST these events to this URL, signed with Secret.
type Webhook struct {
	ID             int64
	URL            string
	Events         []string
	Secret         string // a shared secret: it must sign, so it is stored sealed (store/secrets.go), not hashed
	Active         bool
	DisabledReason string
	CreatedBy      string
	CreatedAt      time.Time
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
	DeliveryCancelled = "cancelled"
)

// WebhookDelivery is one event for one subscription, with its attempts.
type WebhookDelivery struct {
	ID             int64
	UID            string // the idempotency id receivers see
	SubscriptionID int64
	Event          string
	Payload        []byte // the exact body, signed anew at every attempt
	Status         string
	Attempts       int
	LastStatusCode *int
	LastLatencyMS  *int
	LastError      string
	CreatedAt      time.Time
	DeliveredAt    *time.Time
	AttemptLog     []WebhookAttempt
}

// WebhookAttempt is one try at delivering.
type WebhookAttempt struct {
	Attempt    int
	StatusCode *int
	LatencyMS  int
	Error      string
	At         time.Time
}
