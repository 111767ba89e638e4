package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/pkg/webhook"
)

// Payload is the JSON body of every webhook delivery. ID is the idempotency
// id: it is the same on every retry of a delivery and also sent as the
// X-Fresco-Delivery and webhook-id headers, so receivers can drop duplicates.
type Payload struct {
	ID         string          `json:"id"`
	Event      string          `json:"event"`
	OccurredAt time.Time       `json:"occurred_at"`
	Data       json.RawMessage `json:"data"`
}

// Webhook request headers besides those of the Standard Webhooks signature
// (webhook-id, webhook-timestamp, webhook-signature; see pkg/webhook).
const (
	HeaderEvent    = "X-Fresco-Event"
	HeaderDelivery = "X-Fresco-Delivery"
	// HeaderSignature is the first signature format, still sent so that
	// receivers written for it keep working while it is deprecated.
	HeaderSignature = webhook.LegacyHeaderSignature
)

// WebhookInput is a subscription to create.
type WebhookInput struct {
	URL    string
	Events []string
	Secret string // empty: one is generated
	Actor  string // who subscribes: the audit log's name for them
}

// MinSecretLen is the shortest secret accepted.
const MinSecretLen = 16

// CreateWebhook validates and stores a subscription, and records who made
// it in the same transaction. The returned webhook carries the secret
// (generated when none was given).
func (n *Notifier) CreateWebhook(ctx context.Context, in WebhookInput) (*fresco.Webhook, error) {
	var v fresco.Validation
	u, err := url.Parse(strings.TrimSpace(in.URL))
	switch {
	case strings.TrimSpace(in.URL) == "":
		v.Add("url", "is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		v.Add("url", "must be an absolute http:// or https:// URL")
	case len(in.URL) > 2000:
		v.Add("url", "is longer than 2000 characters")
	case u.User != nil:
		v.Add("url", "must not carry credentials; the signature authenticates Fresco")
	case n.opts.RefusePrivateHosts:
		if problem := newHostPolicy(n.opts.Resolver).subscriptionProblem(ctx, u.Hostname()); problem != "" {
			v.Add("url", "%s", problem)
		}
	}
	if len(in.Events) == 0 {
		v.Add("events", "subscribe to at least one event, e.g. %q", EventDetractor)
	}
	if len(in.Events) > 50 {
		v.Add("events", "at most 50 events")
	}
	seen := map[string]bool{}
	var events []string
	for i, e := range in.Events {
		e = strings.TrimSpace(e)
		if err := CheckEventPattern(e); err != nil {
			v.Add(fmt.Sprintf("events[%d]", i), "%s", err.Error())
			continue
		}
		if !seen[e] {
			seen[e] = true
			events = append(events, e)
		}
	}
	secret := in.Secret
	switch {
	case secret == "":
		secret = "whsec_" + randomHex(24)
	case len(secret) < MinSecretLen || len(secret) > 200:
		v.Add("secret", "must be %d to 200 characters", MinSecretLen)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	w := &fresco.Webhook{URL: u.String(), Events: events, Secret: secret, CreatedBy: in.Actor}
	defer n.forgetWebhooks()
	err = n.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateWebhook(ctx, w); err != nil {
			return err
		}
		return tx.Audit(ctx, actorOr(in.Actor), "create", "webhook", strconv.FormatInt(w.ID, 10),
			map[string]any{"url": w.URL, "events": w.Events})
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

type webhookJob struct {
	DeliveryID int64 `json:"delivery_id"`
}

// handleWebhook posts one delivery. 2xx delivers; 410 Gone disables the
// subscription and stops; anything else is retried with the queue's backoff
// until the attempts run out.
func (n *Notifier) handleWebhook(ctx context.Context, job *jobs.Running) error {
	var p webhookJob
	if err := job.Decode(&p); err != nil {
		return err
	}
	return n.attemptDelivery(ctx, p.DeliveryID, job.LastAttempt(), 0)
}

// attemptDelivery makes one attempt at a pending delivery; last marks the
// delivery failed if it does not succeed. jobID > 0 (DeliverNow) is the
// delivery's queued job, withdrawn once the delivery is settled.
func (n *Notifier) attemptDelivery(ctx context.Context, deliveryID int64, last bool, jobID int64) error {
	d, hook, err := n.db.Delivery(ctx, deliveryID)
	if err != nil {
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			return jobs.Cancel(err)
		}
		return err
	}
	if d.Status != fresco.DeliveryPending {
		return nil // an earlier run finished it
	}
	if !hook.Active {
		reason := "subscription deleted"
		if hook.DisabledReason != "" {
			reason = "subscription disabled: " + hook.DisabledReason
		}
		return n.db.SetDeliveryStatus(ctx, d.ID, fresco.DeliveryCancelled, reason)
	}

	code, latency, sendErr := n.post(ctx, hook, d)
	attempt := fresco.WebhookAttempt{Attempt: d.Attempts + 1, LatencyMS: int(latency.Milliseconds())}
	if code > 0 {
		attempt.StatusCode = &code
	}
	status := fresco.DeliveryPending
	var result error
	switch {
	case sendErr == nil && code >= 200 && code < 300:
		status = fresco.DeliveryDelivered
	case errors.Is(sendErr, errPrivateHost):
		// Retrying cannot help until the receiver's address or the
		// server's --webhook-private changes.
		attempt.Error = sendErr.Error()
		status = fresco.DeliveryFailed
		result = jobs.Cancel(sendErr)
	case code == http.StatusGone:
		attempt.Error = "410 Gone: subscription disabled"
		status = fresco.DeliveryFailed
		if err := n.db.DisableWebhook(ctx, hook.ID, "the receiver answered 410 Gone"); err != nil {
			return err
		}
		n.forgetWebhooks()
		result = jobs.Cancel(errors.New(attempt.Error))
	default:
		if sendErr != nil {
			attempt.Error = sendErr.Error()
		} else {
			attempt.Error = fmt.Sprintf("receiver answered %d", code)
		}
		result = errors.New(attempt.Error)
		if last {
			status = fresco.DeliveryFailed
		}
	}
	if err := n.recordAttempt(context.WithoutCancel(ctx), d.ID, attempt, status, jobID); err != nil {
		return errors.Join(result, err)
	}
	n.metrics.webhooks.WithLabelValues(webhookOutcome(status, result != nil)).Inc()
	if result != nil {
		n.log.Warn("webhook delivery failed", "delivery", d.UID, "url", hook.URL, "attempt", attempt.Attempt, "err", result)
	}
	return result
}

func (n *Notifier) post(ctx context.Context, hook *fresco.Webhook, d *fresco.WebhookDelivery) (int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultWebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Fresco-Webhooks/1")
	req.Header.Set(HeaderEvent, d.Event)
	req.Header.Set(HeaderDelivery, d.UID)
	signWebhook(req.Header, hook.Secret, d.UID, n.opts.Now(), d.Payload)
	start := time.Now()
	resp, err := n.http.Do(req)
	latency := time.Since(start)
	if err != nil {
		return 0, latency, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, latency, nil
}

// signWebhook sets the Standard Webhooks signature headers, with the
// delivery's idempotency id as webhook-id, and the deprecated
// X-Fresco-Signature.
func signWebhook(h http.Header, secret, id string, now time.Time, body []byte) {
	h.Set(webhook.HeaderID, id)
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(webhook.HeaderSignature, webhook.Sign(secret, id, now, body))
	h.Set(HeaderSignature, webhook.SignLegacy(secret, now, body))
}

// InlineGrace is by default how long the durable job of a delivery made with
// NotifyNow waits before it runs (Options.InlineGrace): the caller attempts the delivery itself
// at once (DeliverNow), and the job only retries what that attempt did not
// deliver, or delivers after a crash.
const InlineGrace = 15 * time.Second

// maxInline bounds the deliveries attempted at once by DeliverNow; beyond
// it they are left to their jobs.
const maxInline = 64

// NotifyNow is Notify for a caller that will call DeliverNow with the
// result right after the commit, saving the webhook a trip through the
// queue: the deliveries' jobs are scheduled InlineGrace later as a safety
// net, and withdrawn when the immediate attempt settles the delivery. The
// closed loop uses it on its latency-critical path.
func (n *Notifier) NotifyNow(ctx context.Context, tx *store.Tx, msg Notification) (*Result, error) {
	return n.notify(ctx, tx, msg, n.opts.InlineGrace)
}

// DeliverNow makes the first attempt at committed deliveries in the
// background. A delivery it cannot take (too many in flight) or does not
// deliver is left to its job.
func (n *Notifier) DeliverNow(results ...*Result) {
	for _, res := range results {
		if res == nil {
			continue
		}
		for i, id := range res.DeliveryIDs {
			n.deliverNow(id, res.deliveryJobs[i])
		}
	}
}

func (n *Notifier) deliverNow(id, jobID int64) {
	select {
	case n.inline <- struct{}{}:
	default:
		return // busy: the job delivers after InlineGrace
	}
	go func() {
		defer func() { <-n.inline }()
		ctx, cancel := context.WithTimeout(context.Background(), DefaultWebhookTimeout+5*time.Second)
		defer cancel()
		if err := n.attemptDelivery(ctx, id, false, jobID); err != nil {
			n.log.Debug("inline webhook attempt", "delivery", id, "err", err)
		}
	}()
}

// recordAttempt stores an attempt and the delivery's new status. jobID > 0
// names the delivery's job, still queued as a safety net behind an attempt
// made outside the queue: once the delivery is settled (no longer pending)
// the job is withdrawn in the same transaction, unless a worker has already
// claimed it (it then finds the delivery settled).
func (n *Notifier) recordAttempt(ctx context.Context, deliveryID int64, a fresco.WebhookAttempt, status string, jobID int64) error {
	return n.db.InTx(ctx, func(tx *store.Tx) error {
		if jobID > 0 && status != fresco.DeliveryPending {
			if _, err := jobs.Withdraw(ctx, tx, jobID); err != nil {
				return err
			}
		}
		if err := tx.AsyncCommit(ctx); err != nil { // the job's own finish follows
			return err
		}
		return tx.RecordDeliveryAttempt(ctx, deliveryID, a, status)
	})
}
