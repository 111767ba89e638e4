// Package notify tells people and programs that something happened: live in
// the UI (server-sent events through [Hub]), by e-mail over SMTP, and by
// signed webhooks.
//
// Capabilities call [Notifier.Notify] inside the transaction that caused the
// news. It records one notification per employee and enqueues the durable
// jobs that send e-mails ("email.send") and webhook deliveries
// ("webhook.deliver") in the same transaction, so the news exists if and
// only if the write does, and it survives a restart. After the commit, call
// [Notifier.Wake] (or use [Notifier.Send], which does both) so that workers
// and live streams pick it up at once rather than at their next poll.
//
//	err := db.InTx(ctx, func(tx *store.Tx) error {
//		// … the write …
//		_, err := n.Notify(ctx, tx, notify.Notification{
//			Event: "case.escalated", EmployeeIDs: []int64{managerID},
//			Subject: "Case 42 needs you", Body: "…", Link: "/cases/42",
//			Data: map[string]any{"case_id": 42},
//		})
//		return err
//	})
//	if err == nil {
//		n.Wake()
//	}
//
// Live streams read the notifications table (see Hub), so every replica's
// browsers see every replica's notifications.
package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// Job kinds.
const (
	JobEmail   = "email.send"
	JobWebhook = "webhook.deliver"
)

// Events Fresco publishes. Capabilities may publish others in the
// namespaces of Namespaces (e.g. "case.escalated").
const (
	EventDetractor = "response.detractor"
	EventCSATLow   = "response.csat_low"
	EventComplaint = "response.complaint"
	// EventPraise: a promoter's comment or a compliment, passed on to the
	// employee who served.
	EventPraise          = "response.praise"
	EventFollowUpOpened  = "followup.opened"
	EventFollowUpClosed  = "followup.closed"
	EventFollowUpOverdue = "followup.overdue"
	EventDigest          = "loop.digest"
	// EventThemeGrowing: a theme among uncategorised comments grew
	// significantly week over week (internal/feedback).
	EventThemeGrowing = "feedback.theme_growing"
	// EventPulseOpened: this month's employee pulse is open (internal/pulse).
	EventPulseOpened = "pulse.opened"
	// EventGoalsDigest: the weekly digest of satisfaction goals, each with
	// its status (internal/goals).
	EventGoalsDigest = "goals.digest"
	// EventMediocrity: a team's or a location's turnover rose while its
	// customers' NPS or retention fell, each significantly (internal/chain).
	EventMediocrity = "people.mediocrity_cycle"
	// EventNominated: a colleague or a customer nominated an employee for
	// an award (internal/rewards); the nominee hears of it.
	EventNominated = "people.nominated"
)

// Events lists the events above, for documentation and validation.
var Events = []string{EventDetractor, EventCSATLow, EventComplaint, EventFollowUpOpened, EventFollowUpClosed,
	EventFollowUpOverdue, EventDigest, EventThemeGrowing, EventPraise, EventPulseOpened,
	EventGoalsDigest, EventMediocrity, EventNominated}

// Namespaces are the event prefixes a webhook may subscribe to with a
// wildcard ("case.*"). Events in "case" are free-form (service recovery
// defines them); in the others only the listed Events exist.
var Namespaces = []string{"response", "followup", "loop", "case", "feedback", "pulse", "goals", "people"}

// Defaults.
const (
	DefaultWebhookAttempts = 12
	DefaultEmailAttempts   = 8
	DefaultWebhookTimeout  = 10 * time.Second
)

// Notification is news for some employees and for webhook subscribers.
type Notification struct {
	Event       string  // e.g. "response.detractor"; required
	EmployeeIDs []int64 // who hears about it in the UI and by e-mail; may be empty (webhooks only)
	Subject     string
	Body        string
	Link        string // a path in the UI, e.g. "/followups/7"
	Data        any    // marshalled to JSON: the webhook payload's "data" and the live event's "data"
}

// Result says what Notify recorded.
type Result struct {
	NotificationIDs []int64
	EmailIDs        []int64
	DeliveryIDs     []int64
	deliveryJobs    []int64 // the job of each delivery, for DeliverNow
}

// Options configure a Notifier. All are optional.
type Options struct {
	SMTP SMTPConfig
	// BaseURL is prepended to links in e-mails, e.g. "https://fresco.example.com".
	BaseURL string
	// HTTPClient posts webhooks; by default a client with a 10 s timeout.
	HTTPClient *http.Client
	// RefusePrivateHosts keeps webhooks from reaching inside the network:
	// subscriptions to loopback, private or link-local addresses are
	// refused, and the default client dials only public addresses (see
	// hosts.go). The zero value allows them (tests, receivers on the same
	// network); `fresco serve` sets it unless --webhook-private is given.
	RefusePrivateHosts bool
	// Resolver looks up webhook hosts for RefusePrivateHosts; nil means
	// net.DefaultResolver.
	Resolver Resolver
	// Registry receives the delivery outcome counters; nil keeps them
	// unexported.
	Registry *prometheus.Registry
	// WebhookAttempts and EmailAttempts bound the retries.
	WebhookAttempts int
	EmailAttempts   int
	// PollInterval is how often live streams look for notifications made by
	// other processes (default 1 s); local ones arrive at once through Wake.
	PollInterval time.Duration
	// InlineGrace is how long the safety-net job of a delivery that
	// NotifyNow's caller attempts at once waits before it runs (default 15 s).
	InlineGrace time.Duration
	// Heartbeat is the interval of keep-alive comments on live streams (default 20 s).
	Heartbeat time.Duration
	Logger    *slog.Logger
	Now       func() time.Time
	// Business names the business at the foot of every e-mail
	// (settings.Service.Current); nil: "Fresco".
	Business func(context.Context) fresco.Settings
}

// Notifier records notifications and delivers them.
type Notifier struct {
	db      *store.DB
	opts    Options
	log     *slog.Logger
	hub     *Hub
	http    *http.Client
	queue   *jobs.Queue
	metrics *metrics

	inline chan struct{} // DeliverNow's slots

	hooksMu   sync.Mutex
	hooks     []*fresco.Webhook
	hooksRead time.Time
}

// hooksTTL is how long the list of active subscriptions is cached. Changes
// made through this Notifier apply at once; those made by another replica
// within this time (deliveries to a deleted subscription are cancelled when
// they run, whatever the cache said).
const hooksTTL = time.Second

// activeWebhooks returns the active subscriptions, cached for hooksTTL: at
// 200 responses a second, reading them for every event would be most of
// the notifier's queries. A refresh reads through tx: the caller already
// holds a connection, and asking the pool for a second one while holding
// the first can starve it.
func (n *Notifier) activeWebhooks(ctx context.Context, tx *store.Tx) ([]*fresco.Webhook, error) {
	n.hooksMu.Lock()
	hooks, fresh := n.hooks, time.Since(n.hooksRead) < hooksTTL
	n.hooksMu.Unlock()
	if hooks != nil && fresh {
		return hooks, nil
	}
	list, err := tx.ActiveWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []*fresco.Webhook{}
	}
	n.hooksMu.Lock()
	n.hooks, n.hooksRead = list, time.Now()
	n.hooksMu.Unlock()
	return list, nil
}

// forgetWebhooks drops the cache after a change.
func (n *Notifier) forgetWebhooks() {
	n.hooksMu.Lock()
	n.hooks = nil
	n.hooksMu.Unlock()
}

// DeleteWebhook deletes a subscription and records that actor did so, in
// one transaction.
func (n *Notifier) DeleteWebhook(ctx context.Context, id int64, actor string) error {
	defer n.forgetWebhooks()
	return n.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteWebhook(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actorOr(actor), "delete", "webhook", strconv.FormatInt(id, 10), nil)
	})
}

// actorOr names an unnamed actor (a test, a program using this package) in
// the audit log.
func actorOr(actor string) string {
	if actor == "" {
		return "system"
	}
	return actor
}

// New returns a notifier over db. Call Register to have a queue deliver.
func New(db *store.DB, opts Options) *Notifier {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Business == nil {
		opts.Business = func(context.Context) fresco.Settings { return fresco.DefaultSettings() }
	}
	if opts.WebhookAttempts <= 0 {
		opts.WebhookAttempts = DefaultWebhookAttempts
	}
	if opts.EmailAttempts <= 0 {
		opts.EmailAttempts = DefaultEmailAttempts
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.InlineGrace <= 0 {
		opts.InlineGrace = InlineGrace
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 20 * time.Second
	}
	client := opts.HTTPClient
	if client == nil {
		transport := &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
		}
		if opts.RefusePrivateHosts {
			newPublicOnlyDialer(opts.Resolver).install(transport)
		}
		client = &http.Client{Timeout: DefaultWebhookTimeout, Transport: transport}
	}
	n := &Notifier{db: db, opts: opts, log: opts.Logger.With("component", "notify"), http: client, metrics: newMetrics(opts.Registry),
		inline: make(chan struct{}, maxInline)}
	n.hub = newHub(db, opts.PollInterval, opts.Heartbeat, n.log)
	return n
}

// Register installs the e-mail and webhook handlers on q, and makes Wake
// poke q.
func (n *Notifier) Register(q *jobs.Queue) {
	n.queue = q
	q.Register(JobEmail, n.handleEmail)
	q.Register(JobWebhook, n.handleWebhook)
}

// Hub is the live-event hub behind the SSE stream.
func (n *Notifier) Hub() *Hub { return n.hub }

// SMTPConfigured reports whether e-mails are sent (otherwise they are
// recorded as skipped).
func (n *Notifier) SMTPConfigured() bool { return n.opts.SMTP.Configured() }

// Wake tells local workers and live streams to look now. Call it after
// committing a transaction in which Notify ran.
func (n *Notifier) Wake() {
	if n.queue != nil {
		n.queue.Notify()
	}
	n.hub.Poke()
}

// Send runs Notify in a transaction of its own and wakes the workers.
func (n *Notifier) Send(ctx context.Context, msg Notification) (*Result, error) {
	var res *Result
	err := n.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		res, err = n.Notify(ctx, tx, msg)
		return err
	})
	if err != nil {
		return nil, err
	}
	n.Wake()
	return res, nil
}

// Notify records msg within tx: a notification and an e-mail (when the
// employee has an address) for each active employee in msg.EmployeeIDs, and a
// delivery for each active webhook subscribed to msg.Event, with their jobs.
// Nothing is sent before tx commits; call Wake after the commit.
func (n *Notifier) Notify(ctx context.Context, tx *store.Tx, msg Notification) (*Result, error) {
	return n.notify(ctx, tx, msg, 0)
}

func (n *Notifier) notify(ctx context.Context, tx *store.Tx, msg Notification, webhookDelay time.Duration) (*Result, error) {
	if err := checkEventName(msg.Event); err != nil {
		return nil, err
	}
	data := json.RawMessage("{}")
	if msg.Data != nil {
		b, err := json.Marshal(msg.Data)
		if err != nil {
			return nil, fmt.Errorf("notify %s: data: %w", msg.Event, err)
		}
		data = b
	}
	ids := slices.Clone(msg.EmployeeIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	recipients, err := tx.Recipients(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("notify %s: recipients: %w", msg.Event, err)
	}
	res := &Result{}
	for _, r := range recipients {
		if !r.Active {
			continue
		}
		rec := &fresco.Notification{Event: msg.Event, EmployeeID: &r.ID, Subject: msg.Subject, Body: msg.Body,
			Link: msg.Link, Data: data}
		if err := tx.InsertNotification(ctx, rec); err != nil {
			return nil, fmt.Errorf("notify %s: record: %w", msg.Event, err)
		}
		res.NotificationIDs = append(res.NotificationIDs, rec.ID)
		if r.Email == "" {
			continue
		}
		mail := &fresco.EmailMessage{NotificationID: &rec.ID, To: r.Email, Subject: msg.Subject, Body: n.emailBody(ctx, msg)}
		if err := tx.InsertEmail(ctx, mail); err != nil {
			return nil, fmt.Errorf("notify %s: e-mail: %w", msg.Event, err)
		}
		if err := n.enqueueEmail(ctx, tx, mail.ID); err != nil {
			return nil, err
		}
		res.EmailIDs = append(res.EmailIDs, mail.ID)
	}

	hooks, err := n.activeWebhooks(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("notify %s: webhooks: %w", msg.Event, err)
	}
	occurred := n.opts.Now().UTC()
	for _, h := range hooks {
		if !Subscribed(h.Events, msg.Event) {
			continue
		}
		uid := "evt_" + randomHex(12)
		payload, err := json.Marshal(Payload{ID: uid, Event: msg.Event, OccurredAt: occurred, Data: data})
		if err != nil {
			return nil, err
		}
		d := &fresco.WebhookDelivery{UID: uid, SubscriptionID: h.ID, Event: msg.Event, Payload: payload}
		if err := tx.InsertDelivery(ctx, d); err != nil {
			return nil, fmt.Errorf("notify %s: delivery: %w", msg.Event, err)
		}
		var runAt time.Time
		if webhookDelay > 0 {
			runAt = time.Now().Add(webhookDelay)
		}
		jobID, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: JobWebhook, Payload: webhookJob{DeliveryID: d.ID},
			RunAt: runAt, MaxAttempts: n.opts.WebhookAttempts})
		if err != nil {
			return nil, err
		}
		res.DeliveryIDs = append(res.DeliveryIDs, d.ID)
		res.deliveryJobs = append(res.deliveryJobs, jobID)
	}
	return res, nil
}

// emailBody is the notification's text, its link, and the business's name
// at the foot, so that staff of several businesses know whose it is.
func (n *Notifier) emailBody(ctx context.Context, msg Notification) string {
	body := strings.TrimRight(msg.Body, "\n") + "\n"
	if msg.Link != "" {
		link := msg.Link
		if strings.HasPrefix(link, "/") {
			link = strings.TrimRight(n.opts.BaseURL, "/") + link
		}
		body += "\n" + link + "\n"
	}
	return body + "\n-- \n" + n.opts.Business(ctx).BusinessName + ", via Fresco\n"
}

// Subscribed reports whether a subscription to patterns receives event:
// an exact name, "ns.*" for a namespace, or "*" for everything.
func Subscribed(patterns []string, event string) bool {
	for _, p := range patterns {
		switch {
		case p == "*", p == event:
			return true
		case strings.HasSuffix(p, ".*") && strings.HasPrefix(event, strings.TrimSuffix(p, "*")):
			return true
		}
	}
	return false
}

// checkEventName accepts "namespace.name" with a known namespace.
func checkEventName(event string) error {
	ns, name, ok := strings.Cut(event, ".")
	if !ok || !slices.Contains(Namespaces, ns) || !slugLike(name) {
		return fresco.Errorf(fresco.EINVALID, "notify: event %q must be namespace.name with a namespace of %s",
			event, strings.Join(Namespaces, ", "))
	}
	return nil
}

// CheckEventPattern validates one entry of a webhook's events list.
func CheckEventPattern(p string) error {
	if p == "*" || slices.Contains(Events, p) {
		return nil
	}
	ns, name, ok := strings.Cut(p, ".")
	if ok && slices.Contains(Namespaces, ns) && (name == "*" || (ns == "case" && slugLike(name))) {
		return nil
	}
	return fmt.Errorf("%q is not an event: use one of %s, a namespace wildcard such as case.* , or *",
		p, strings.Join(Events, ", "))
}

func slugLike(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
