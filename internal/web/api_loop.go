package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
)

// The closed loop and notifications: webhooks, follow-ups, the live event
// stream, the caller's notifications and the satisfied-but-leaving list.

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

func webhookOut(w *store.Webhook) Webhook {
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

func deliveryOut(d *store.WebhookDelivery) WebhookDelivery {
	out := WebhookDelivery{ID: d.ID, IdempotencyID: d.UID, Event: d.Event, Status: d.Status, Attempts: d.Attempts,
		LastStatusCode: d.LastStatusCode, LastLatencyMS: d.LastLatencyMS, LastError: d.LastError, CreatedAt: d.CreatedAt,
		DeliveredAt: d.DeliveredAt, AttemptLog: []WebhookAttempt{}}
	for _, a := range d.AttemptLog {
		out.AttemptLog = append(out.AttemptLog, WebhookAttempt(a))
	}
	return out
}

// FollowUp is the task of getting back to a customer after a bad answer.
type FollowUp struct {
	ID             int64      `json:"id"`
	ResponseID     int64      `json:"response_id"`
	CustomerID     *int64     `json:"customer_id"`
	CustomerName   string     `json:"customer_name"`
	LocationID     *int64     `json:"location_id"`
	OwnerID        *int64     `json:"owner_id" doc:"The employee who served the customer, else the location's manager."`
	OwnerName      string     `json:"owner_name"`
	ManagerID      *int64     `json:"manager_id"`
	Reasons        []string   `json:"reasons" doc:"detractor, csat_low, complaint"`
	NPS            *int       `json:"nps"`
	CSAT           *int       `json:"csat"`
	Comment        string     `json:"comment"`
	DueAt          time.Time  `json:"due_at"`
	Overdue        bool       `json:"overdue"`
	Status         string     `json:"status" enum:"open,closed"`
	ContactAt      *time.Time `json:"contact_at"`
	ContactChannel string     `json:"contact_channel"`
	Outcome        string     `json:"outcome"`
	ClosedBy       string     `json:"closed_by"`
	ClosedAt       *time.Time `json:"closed_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

func (s *Server) followUpOut(f *store.FollowUp) FollowUp {
	return FollowUp{ID: f.ID, ResponseID: f.ResponseID, CustomerID: f.CustomerID, CustomerName: f.CustomerName,
		LocationID: f.LocationID, OwnerID: f.OwnerID, OwnerName: f.OwnerName, ManagerID: f.ManagerID,
		Reasons: nonNilStrings(f.Reasons), NPS: f.NPS, CSAT: f.CSAT, Comment: f.Comment, DueAt: f.DueAt,
		Overdue: f.Status == store.FollowUpOpen && s.now().After(f.DueAt), Status: f.Status, ContactAt: f.ContactAt,
		ContactChannel: f.ContactChannel, Outcome: f.Outcome, ClosedBy: f.ClosedBy, ClosedAt: f.ClosedAt, CreatedAt: f.CreatedAt}
}

type followUpListInput struct {
	ListParams
	Status  string `query:"status" enum:"open,closed," doc:"open or closed; empty for both."`
	Owner   string `query:"owner" doc:"me (the logged-in employee) or an employee id."`
	Overdue bool   `query:"overdue" doc:"Only open follow-ups past their due time."`
}

// FollowUpClose records the contact that closes a follow-up.
type FollowUpClose struct {
	ContactChannel string     `json:"contact_channel,omitempty" doc:"How the customer was contacted: phone, email, in_person, sms, chat, letter or other. Required."`
	ContactAt      *time.Time `json:"contact_at,omitempty" doc:"When; defaults to now."`
	Outcome        string     `json:"outcome,omitempty" doc:"What came of it. Required."`
}

type followUpCloseInput struct {
	Action string `path:"id" pattern:"^[0-9]+:close$" doc:"The follow-up id followed by :close, e.g. 17:close."`
	Body   FollowUpClose
}

// Leaving is a satisfied customer who seems to be leaving, with the evidence.
type Leaving struct {
	CustomerID         int64     `json:"customer_id"`
	CustomerName       string    `json:"customer_name"`
	LocationID         *int64    `json:"location_id"`
	LastScore          int       `json:"last_score"`
	LastScoreType      string    `json:"last_score_type" enum:"nps,csat"`
	LastAnswerAt       time.Time `json:"last_answer_at"`
	Purchases          int       `json:"purchases"`
	LastPurchaseAt     time.Time `json:"last_purchase_at"`
	MedianIntervalDays *float64  `json:"median_interval_days"`
	DaysSinceLast      float64   `json:"days_since_last"`
	PAlive             *float64  `json:"p_alive" doc:"From the lifetime-value engine, when it has scored the customer."`
	Rule               string    `json:"rule" enum:"p_alive,gap" doc:"p_alive: P(alive) below 0.5; gap: days since last purchase above 2 × their median interval."`
}

// Notification is a message to the caller.
type Notification struct {
	ID        int64      `json:"id"`
	Event     string     `json:"event"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	Data      any        `json:"data"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// NotificationList is the caller's latest notifications.
type NotificationList struct {
	Items  []Notification `json:"items"`
	Unread int            `json:"unread"`
}

// closedLoop returns the notifier and the loop: from Deps, or made over the
// database when Deps has none (tests; enqueued work is then done by
// whichever process runs the job queue). Other capabilities' routes that
// notify people (service recovery) call it too.
func (s *Server) closedLoop() (*notify.Notifier, *loop.Loop) {
	if s.notifier == nil {
		s.notifier = notify.New(s.db, notify.Options{Logger: s.log, Now: s.now})
	}
	if s.loop == nil {
		s.loop = loop.New(s.db, s.notifier, loop.Options{Logger: s.log, Now: s.now})
	}
	return s.notifier, s.loop
}

func (s *Server) createWebhook(ctx context.Context, in *struct{ Body WebhookInput }) (*Created[Webhook], error) {
	w, err := s.notifier.CreateWebhook(ctx, notify.WebhookInput{URL: in.Body.URL, Events: in.Body.Events,
		Secret: in.Body.Secret, Actor: principal(ctx).Actor()})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "create", "webhook", w.ID, map[string]any{"url": w.URL, "events": w.Events})
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
	if err := s.notifier.DeleteWebhook(ctx, in.ID); err != nil {
		return nil, err
	}
	s.audit(ctx, "delete", "webhook", in.ID, nil)
	return nil, nil
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

func (s *Server) listFollowups(ctx context.Context, in *followUpListInput) (*PageBody[FollowUp], error) {
	f := store.FollowUpFilter{Status: in.Status, Overdue: in.Overdue, Now: s.now(), Cursor: in.Cursor, Limit: in.Limit}
	switch in.Owner {
	case "":
	case "me":
		p := principal(ctx)
		if p.Employee == nil {
			return nil, invalidField("query.owner", "owner=me needs a logged-in employee, not an API token")
		}
		f.OwnerID = p.Employee.ID
	default:
		id, err := strconv.ParseInt(in.Owner, 10, 64)
		if err != nil || id <= 0 {
			return nil, invalidField("query.owner", "must be me or an employee id")
		}
		f.OwnerID = id
	}
	list, next, err := s.db.ListFollowUps(ctx, f)
	if err != nil {
		return nil, err
	}
	return page(list, next, s.followUpOut), nil
}

func (s *Server) getFollowup(ctx context.Context, in *IDParam) (*One[FollowUp], error) {
	f, err := s.db.FollowUp(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &One[FollowUp]{Body: s.followUpOut(f)}, nil
}

func (s *Server) closeFollowup(ctx context.Context, in *followUpCloseInput) (*One[FollowUp], error) {
	id, _ := strconv.ParseInt(strings.TrimSuffix(in.Action, ":close"), 10, 64)
	f, err := s.db.FollowUp(ctx, id)
	if err != nil {
		return nil, err
	}
	p := principal(ctx)
	if p.Role == fresco.RoleAgent && p.Employee != nil && (f.OwnerID == nil || *f.OwnerID != p.Employee.ID) {
		return nil, forbidden("follow-up %d belongs to %s; an agent may close only their own", id, f.OwnerName)
	}
	closed, err := s.loop.CloseFollowUp(ctx, id, loop.CloseInput{ContactChannel: in.Body.ContactChannel,
		ContactAt: in.Body.ContactAt, Outcome: in.Body.Outcome, Actor: p.Actor()})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "close", "follow_up", id, map[string]any{"channel": closed.ContactChannel})
	return &One[FollowUp]{Body: s.followUpOut(closed)}, nil
}

func (s *Server) satisfiedLeaving(ctx context.Context, in *struct {
	LocationID int64 `query:"location_id" minimum:"0" doc:"Only this location's customers (of their last purchase)."`
}) (*One[Page[Leaving]], error) {
	list, err := s.loop.SatisfiedLeaving(ctx, in.LocationID)
	if err != nil {
		return nil, err
	}
	out := Page[Leaving]{Items: make([]Leaving, len(list))}
	for i, x := range list {
		out.Items[i] = Leaving(x)
	}
	return &One[Page[Leaving]]{Body: out}, nil
}

func (s *Server) listNotifications(ctx context.Context, in *struct {
	Limit int `query:"limit" minimum:"0" maximum:"200" default:"50"`
}) (*One[NotificationList], error) {
	p := principal(ctx)
	if p.Employee == nil {
		return nil, invalidField("", "notifications belong to employees: log in rather than use an API token")
	}
	list, err := s.db.RecentNotifications(ctx, p.Employee.ID, in.Limit)
	if err != nil {
		return nil, err
	}
	unread, err := s.db.UnreadNotifications(ctx, p.Employee.ID)
	if err != nil {
		return nil, err
	}
	out := NotificationList{Items: make([]Notification, len(list)), Unread: unread}
	for i, n := range list {
		out.Items[i] = Notification{ID: n.ID, Event: n.Event, Subject: n.Subject, Body: n.Body, Link: n.Link,
			Data: n.Data, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
	}
	return &One[NotificationList]{Body: out}, nil
}

func (s *Server) readNotifications(ctx context.Context, in *struct {
	Body struct {
		UpToID int64 `json:"up_to_id,omitempty" minimum:"0" doc:"Mark up to and including this id; 0 or absent: all."`
	}
}) (*struct{}, error) {
	p := principal(ctx)
	if p.Employee == nil {
		return nil, invalidField("", "notifications belong to employees: log in rather than use an API token")
	}
	return nil, s.db.MarkNotificationsRead(ctx, p.Employee.ID, in.Body.UpToID)
}

func invalidField(field, format string, args ...any) error {
	var v fresco.Validation
	v.Add(field, format, args...)
	return v.Err()
}

// handleEventStream is GET /api/v1/events/stream: the caller's notifications
// as server-sent events. An employee (session or not) gets their own; an API
// token of an owner or manager gets everybody's.
func (s *Server) handleEventStream(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fresco"`)
		writeProblem(w, r, http.StatusUnauthorized, "authentication required: send Authorization: Bearer <token>, or log in", nil)
		return
	}
	var employeeID int64
	switch {
	case p.Employee != nil:
		employeeID = p.Employee.ID
	case p.Can(auth.ManageEmployees):
		employeeID = 0
	default:
		writeProblem(w, r, http.StatusForbidden, "the event stream carries employees' notifications: log in, or use an owner or manager token", nil)
		return
	}
	var last int64
	if h := r.Header.Get("Last-Event-ID"); h != "" {
		last, _ = strconv.ParseInt(h, 10, 64)
	}
	s.notifier.Hub().ServeStream(w, r, employeeID, last)
}
