package web

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
)

// Webhook is a webhook subscription. The secret is shown only when the
// subscription is created.
type Webhook struct {
	ID             int64     `json:"id"`
	URL            string    `json:"url"`
	Events         []string  `json:"events"`
	Active         bool      `json:"active"`
	DisabledReason string    `json:"disabled_reason" doc:"Why deliveries stopped, e.g. the receiver answered 410 Gone."`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	Secret         string    `json:"secret,omitempty" doc:"The signing secret; only in the response that creates the webhook."`
}

func webhookOut(w *fresco.Webhook) Webhook {
	return Webhook{ID: w.ID, URL: w.URL, Events: nonNilStrings(w.Events), Active: w.Active, DisabledReason: w.DisabledReason,
		CreatedBy: w.CreatedBy, CreatedAt: w.CreatedAt}
}

// WebhookInput creates a webhook subscription.
type WebhookInput struct {
	URL    string   `json:"url" doc:"Where to POST: an absolute http:// or https:// URL."`
	Events []string `json:"events" doc:"Events to receive: response.detractor, response.csat_low, response.complaint, followup.opened, followup.closed, followup.overdue, loop.digest, a namespace wildcard such as case.* or response.*, or * for all."`
	Secret string   `json:"secret,omitempty" doc:"The shared secret that signs deliveries (16 to 200 characters); generated when omitted."`
}

// WebhookDelivery is one event sent (or being sent) to a subscription.
type WebhookDelivery struct {
	ID             int64            `json:"id"`
	IdempotencyID  string           `json:"idempotency_id" doc:"The payload's id and the X-Fresco-Delivery header: the same on every retry."`
	Event          string           `json:"event"`
	Status         string           `json:"status" enum:"pending,delivered,failed,cancelled"`
	Attempts       int              `json:"attempts"`
	LastStatusCode *int             `json:"last_status_code"`
	LastLatencyMS  *int             `json:"last_latency_ms"`
	LastError      string           `json:"last_error"`
	CreatedAt      time.Time        `json:"created_at"`
	DeliveredAt    *time.Time       `json:"delivered_at"`
	AttemptLog     []WebhookAttempt `json:"attempt_log"`
}

// WebhookAttempt is one try at a delivery.
type WebhookAttempt struct {
	Attempt    int       `json:"attempt"`
	StatusCode *int      `json:"status_code"`
	LatencyMS  int       `json:"latency_ms"`
	Error      string    `json:"error"`
	At         time.Time `json:"at"`
}

func deliveryOut(d *fresco.WebhookDelivery) WebhookDelivery {
	out := WebhookDelivery{ID: d.ID, IdempotencyID: d.UID, Event: d.Event, Status: d.Status, Attempts: d.Attempts,
		LastStatusCode: d.LastStatusCode, LastLatencyMS: d.LastLatencyMS, LastError: d.LastError, CreatedAt: d.CreatedAt,
		DeliveredAt: d.DeliveredAt, AttemptLog: []WebhookAttempt{}}
	for _, a := range d.AttemptLog {
		out.AttemptLog = append(out.AttemptLog, WebhookAttempt(a))
	}
	return out
}

func (s *Server) createWebhook(ctx context.Context, in *struct{ Body WebhookInput }) (*Created[Webhook], error) {
	w, err := s.notifier.CreateWebhook(ctx, notify.WebhookInput{URL: in.Body.URL, Events: in.Body.Events,
		Secret: in.Body.Secret, Actor: principal(ctx).Actor()})
	if err != nil {
		return nil, err
	}
	out := webhookOut(w)
	out.Secret = w.Secret
	return &Created[Webhook]{Location: fmt.Sprintf("%s/webhooks/%d", apiPrefix, w.ID), Body: out}, nil
}

func (s *Server) listWebhooks(ctx context.Context, in *struct{}) (*PageBody[Webhook], error) {
	list, err := s.db.ListWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	return page(list, "", webhookOut), nil
}

func (s *Server) getWebhook(ctx context.Context, in *IDParam) (*One[Webhook], error) {
	w, err := s.db.Webhook(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &One[Webhook]{Body: webhookOut(w)}, nil
}

func (s *Server) deleteWebhook(ctx context.Context, in *IDParam) (*struct{}, error) {
	return nil, s.notifier.DeleteWebhook(ctx, in.ID, principal(ctx).Actor())
}

func (s *Server) listWebhookDeliveries(ctx context.Context, in *struct {
	IDParam
	ListParams
}) (*PageBody[WebhookDelivery], error) {
	if _, err := s.db.Webhook(ctx, in.ID); err != nil {
		return nil, err
	}
	var before int64
	if in.Cursor != "" {
		n, err := strconv.ParseInt(in.Cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, fresco.Errorf(fresco.EINVALID, "cursor: not a cursor from this list")
		}
		before = n
	}
	limit := in.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	list, err := s.db.ListDeliveries(ctx, in.ID, before, limit)
	if err != nil {
		return nil, err
	}
	next := ""
	if len(list) == limit {
		next = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	return page(list, next, deliveryOut), nil
}
