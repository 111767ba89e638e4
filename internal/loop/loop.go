// Package loop is Fresco's closed loop: it relays every bad answer (a
// detractor, a CSAT of 2 or less, a complaint) at once to the employee who
// served the customer and to their manager, opens a follow-up with an owner
// and a due time that closes only with a recorded contact and outcome, tells
// managers about follow-ups that run late, and finds customers who are
// satisfied but leaving.
//
// It listens to the durable job feedback.JobResponseRecorded that package
// feedback enqueues with every response, and speaks through package notify
// (live events, e-mail, webhooks).
package loop

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
)

// Job kinds the loop enqueues (on schedule) and handles. It also handles
// feedback.JobResponseRecorded, which package feedback owns.
const (
	JobOverdueSweep = "loop.followups_overdue"
	JobDigest       = "loop.digest"
	// JobLeavingRefresh recomputes the stored "satisfied but leaving" list,
	// every Options.LeavingEvery and on demand.
	JobLeavingRefresh = "loop.satisfied_leaving"
)

// Reasons for a follow-up.
const (
	ReasonDetractor = "detractor"
	ReasonCSATLow   = "csat_low"
	ReasonComplaint = "complaint"
)

// Contact channels a follow-up can be closed with.
var ContactChannels = []string{"phone", "email", "in_person", "sms", "chat", "letter", "other"}

// Options tune the loop. Zero values mean the defaults.
type Options struct {
	FollowUpDue   time.Duration // how long the owner has to get back to the customer (48 h)
	OverdueEvery  time.Duration // how often overdue follow-ups are looked for (5 min)
	DigestHour    int           // the managers' daily digest, at DigestHour:00 in the business's zone (Format's; 7)
	Leaving       LeavingOptions
	LeavingEvery  time.Duration // how often the "satisfied but leaving" list is recomputed (15 min; < 0: on demand only)
	Logger        *slog.Logger
	Now           func() time.Time
	DisableDigest bool
	// Escalate, when set, is called for a complaint or a bad follow-up call
	// (escalates) inside the transaction
	// that opens its follow-up (so once per response): package app points it at
	// service recovery, which opens a case. The loop itself knows nothing of
	// cases.
	Escalate func(ctx context.Context, tx *store.Tx, r *store.LoopResponse) error
	// Promoter, when set, is called for an identified customer's answer of
	// 9 or 10 to the recommend question, before anything else the loop
	// does with it: package app points it at referral, which thanks a
	// consenting promoter with their referral link. It must be safe to run
	// twice (the job may be retried).
	Promoter func(ctx context.Context, customerID int64) error
	// Format writes times in messages the business's way (its zone and
	// locale: settings.Service.Formatter); nil: UTC.
	Format func(context.Context) fresco.Formatter
}

// Loop is the closed loop.
type Loop struct {
	db       *store.DB
	notifier *notify.Notifier
	opts     Options
	log      *slog.Logger
}

// New returns the loop over db, speaking through notifier.
func New(db *store.DB, notifier *notify.Notifier, opts Options) *Loop {
	if opts.FollowUpDue <= 0 {
		opts.FollowUpDue = 48 * time.Hour
	}
	if opts.OverdueEvery <= 0 {
		opts.OverdueEvery = 5 * time.Minute
	}
	if opts.LeavingEvery == 0 {
		opts.LeavingEvery = 15 * time.Minute
	}
	if opts.DigestHour <= 0 || opts.DigestHour > 23 {
		opts.DigestHour = 7
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Format == nil {
		opts.Format = func(context.Context) fresco.Formatter { return fresco.NewFormatter(fresco.DefaultSettings()) }
	}
	opts.Leaving = opts.Leaving.withDefaults()
	return &Loop{db: db, notifier: notifier, opts: opts, log: opts.Logger.With("component", "loop")}
}

// Register installs the loop's job handlers and schedules on q.
func (l *Loop) Register(q *jobs.Queue) {
	q.Register(feedback.JobResponseRecorded, func(ctx context.Context, job *jobs.Running) error {
		var p feedback.ResponseRecorded
		if err := job.Decode(&p); err != nil {
			return err
		}
		_, err := l.HandleResponse(ctx, p)
		return err
	})
	q.Register(JobOverdueSweep, func(ctx context.Context, _ *jobs.Running) error {
		_, err := l.SweepOverdue(ctx)
		return err
	})
	q.Every(JobOverdueSweep, l.opts.OverdueEvery)
	q.Register(JobLeavingRefresh, func(ctx context.Context, _ *jobs.Running) error {
		_, _, err := l.RefreshLeaving(ctx)
		return err
	})
	if l.opts.LeavingEvery > 0 {
		q.Every(JobLeavingRefresh, l.opts.LeavingEvery)
	}
	if !l.opts.DisableDigest {
		q.Register(JobDigest, func(ctx context.Context, _ *jobs.Running) error {
			_, err := l.SendDigest(ctx)
			return err
		})
		// At the hour in the business's zone as it is now, not as it was at
		// start: the owner may change it in settings.
		q.DailyAtZone(JobDigest, l.opts.DigestHour, 0, func() *time.Location { return l.opts.Format(context.Background()).Zone })
	}
}

// HandleResponse relays a bad answer and opens its follow-up, all in one
// transaction; it returns the follow-up (nil when the answer was not bad).
// Running it twice for one response does nothing the second time.
func (l *Loop) HandleResponse(ctx context.Context, p feedback.ResponseRecorded) (*fresco.FollowUp, error) {
	if p.NPS != nil && *p.NPS >= 9 && p.CustomerID != nil && l.opts.Promoter != nil {
		if err := l.opts.Promoter(ctx, *p.CustomerID); err != nil {
			return nil, fmt.Errorf("thank promoter: %w", err)
		}
	}
	var reasons []string
	var events []string
	if p.Detractor {
		reasons, events = append(reasons, ReasonDetractor), append(events, notify.EventDetractor)
	}
	if p.CSATLow {
		reasons, events = append(reasons, ReasonCSATLow), append(events, notify.EventCSATLow)
	}
	if p.Complaint {
		reasons, events = append(reasons, ReasonComplaint), append(events, notify.EventComplaint)
	}
	if len(reasons) == 0 {
		if p.Praise {
			return nil, l.passOnPraise(ctx, p)
		}
		return nil, nil
	}
	var fu *fresco.FollowUp
	var deliveries []*notify.Result
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		deliveries = deliveries[:0]
		// Safe: this job's "done" commits after this, so a crash loses both.
		if err := tx.AsyncCommit(ctx); err != nil {
			return err
		}
		r, err := tx.LoopResponse(ctx, p.ResponseID)
		if err != nil {
			if fresco.ErrorCode(err) == fresco.ENOTFOUND {
				return jobs.Cancel(err)
			}
			return err
		}
		var employee *int64
		if r.EmployeeID != nil {
			if ok, err := tx.ActiveEmployee(ctx, *r.EmployeeID); err != nil {
				return err
			} else if ok {
				employee = r.EmployeeID
			}
		}
		manager, err := tx.ManagerOf(ctx, r.EmployeeID, r.LocationID)
		if err != nil {
			return err
		}
		owner := employee
		if owner == nil {
			owner = manager
		}
		f := &fresco.FollowUp{ResponseID: r.ID, CustomerID: r.CustomerID, LocationID: r.LocationID, OwnerID: owner,
			ManagerID: manager, Reasons: reasons, DueAt: l.opts.Now().Add(l.opts.FollowUpDue)}
		created, err := tx.CreateFollowUp(ctx, f)
		if err != nil || !created {
			return err // !created: an earlier run did all of this
		}
		fu = f
		if escalates(p) && l.opts.Escalate != nil {
			if err := l.opts.Escalate(ctx, tx, r); err != nil {
				return err
			}
		}

		var to []int64
		for _, id := range []*int64{employee, manager} {
			if id != nil {
				to = append(to, *id)
			}
		}
		data := alertData(r, f)
		who := r.CustomerName
		if who == "" {
			who = "A customer"
		}
		subject := fmt.Sprintf("%s: %s", headline(reasons), who)
		body := alertBody(r, f, l.opts.Format(ctx))
		link := fmt.Sprintf("/followups/%d", f.ID)
		// The first event goes to people; every event goes to its webhooks.
		for i, ev := range events {
			msg := notify.Notification{Event: ev, Subject: subject, Body: body, Link: link, Data: data}
			if i == 0 {
				msg.EmployeeIDs = to
			}
			res, err := l.notifier.NotifyNow(ctx, tx, msg)
			if err != nil {
				return err
			}
			deliveries = append(deliveries, res)
		}
		res, err := l.notifier.NotifyNow(ctx, tx, notify.Notification{Event: notify.EventFollowUpOpened,
			Subject: "Follow-up opened", Link: link, Data: followUpData(f)})
		if err != nil {
			return err
		}
		deliveries = append(deliveries, res)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if fu != nil {
		// The webhooks go out from here at once; their jobs are the safety net.
		l.notifier.DeliverNow(deliveries...)
		l.notifier.Wake()
	}
	return fu, nil
}

// passOnPraise tells the employee who served about a promoter's comment or
// a compliment: praise should travel as fast as complaints do. Nobody
// served, or somebody who has left, means nobody to tell.
func (l *Loop) passOnPraise(ctx context.Context, p feedback.ResponseRecorded) error {
	if p.EmployeeID == nil {
		return nil
	}
	var res *notify.Result
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := tx.LoopResponse(ctx, p.ResponseID)
		if err != nil {
			if fresco.ErrorCode(err) == fresco.ENOTFOUND {
				return jobs.Cancel(err)
			}
			return err
		}
		if r.EmployeeID == nil {
			return nil
		}
		if ok, err := tx.ActiveEmployee(ctx, *r.EmployeeID); err != nil || !ok {
			return err
		}
		who := r.CustomerName
		if who == "" {
			who = "A customer"
		}
		res, err = l.notifier.NotifyNow(ctx, tx, notify.Notification{Event: notify.EventPraise,
			EmployeeIDs: []int64{*r.EmployeeID}, Subject: "Kind words from " + who, Body: fresco.Excerpt(r.Comment, 500),
			Link: fmt.Sprintf("/employees/%d#kind-words", *r.EmployeeID),
			Data: map[string]any{"response_id": r.ID, "customer_id": r.CustomerID, "employee_id": r.EmployeeID, "comment": r.Comment}})
		return err
	})
	if err != nil || res == nil {
		return err
	}
	l.notifier.DeliverNow(res)
	l.notifier.Wake()
	return nil
}

// escalates reports whether a bad answer opens a case too: a complaint from
// any listening post, and a follow-up call that found the customer unhappy
// (CSAT 1–2) — the call is the one conversation where staff heard it
// first-hand, so it is worked like a complaint.
func escalates(p feedback.ResponseRecorded) bool {
	return p.Complaint || (p.CSATLow && p.ListeningPost == feedback.PostFollowUpCall)
}

func headline(reasons []string) string {
	switch reasons[0] {
	case ReasonDetractor:
		return "Would not recommend us"
	case ReasonCSATLow:
		return "Unhappy with our service"
	default:
		return "Complaint"
	}
}

func alertBody(r *store.LoopResponse, f *fresco.FollowUp, format fresco.Formatter) string {
	var b strings.Builder
	name := r.CustomerName
	if name == "" {
		name = "An anonymous customer"
	}
	fmt.Fprintf(&b, "%s answered through %s", name, strings.ReplaceAll(r.PostSlug, "_", " "))
	if r.EmployeeName != "" {
		fmt.Fprintf(&b, " after being served by %s", r.EmployeeName)
	}
	b.WriteString(".\n")
	if r.NPS != nil {
		fmt.Fprintf(&b, "Likelihood to recommend: %d/10\n", *r.NPS)
	}
	if r.CSAT != nil {
		fmt.Fprintf(&b, "Satisfaction: %d/5\n", *r.CSAT)
	}
	if c := fresco.Excerpt(r.Comment, 500); c != "" {
		fmt.Fprintf(&b, "Comment: %q\n", c)
	}
	fmt.Fprintf(&b, "\nGet back to them by %s and record the contact and its outcome.", format.Stamp(f.DueAt))
	return b.String()
}

func alertData(r *store.LoopResponse, f *fresco.FollowUp) map[string]any {
	return map[string]any{
		"response_id":    r.ID,
		"listening_post": r.PostSlug,
		"customer_id":    r.CustomerID,
		"customer_name":  r.CustomerName,
		"employee_id":    r.EmployeeID,
		"location_id":    r.LocationID,
		"nps":            r.NPS,
		"csat":           r.CSAT,
		"comment":        r.Comment,
		"responded_at":   r.RespondedAt,
		"reasons":        f.Reasons,
		"follow_up":      followUpData(f),
	}
}

func followUpData(f *fresco.FollowUp) map[string]any {
	d := map[string]any{
		"id":          f.ID,
		"response_id": f.ResponseID,
		"customer_id": f.CustomerID,
		"owner_id":    f.OwnerID,
		"manager_id":  f.ManagerID,
		"reasons":     f.Reasons,
		"due_at":      f.DueAt,
		"status":      f.Status,
	}
	if f.Status == fresco.FollowUpClosed {
		d["contact_at"] = f.ContactAt
		d["contact_channel"] = f.ContactChannel
		d["outcome"] = f.Outcome
		d["closed_by"] = f.ClosedBy
	}
	return d
}

// CloseInput is the contact that closes a follow-up, and who closes it.
type CloseInput struct {
	ContactChannel string
	ContactAt      *time.Time // nil: now
	Outcome        string
	Actor          string // for the follow-up's closed_by and the audit log
	// Role and EmployeeID are the closer's, for MayClose. EmployeeID is 0
	// for an API token, which acts for its role.
	Role       fresco.Role
	EmployeeID int64
}

// MayClose reports whether a closer of role, who is employee employeeID (0
// for an API token), may close f: an agent closes only their own
// follow-ups, so that nobody's customer is answered twice or by a stranger.
func MayClose(role fresco.Role, employeeID int64, f *fresco.FollowUp) bool {
	return role != fresco.RoleAgent || employeeID == 0 || (f.OwnerID != nil && *f.OwnerID == employeeID)
}

// CloseAllowed is the one rule of whether a closer of role, who is employee
// employeeID (0 for an API token), may close f now: it must be open
// (conflict) and theirs to close (MayClose; forbidden). It returns nil or the
// coded refusal; the service and the follow-up page both apply it. Which
// roles write at all is the routes' rule.
func CloseAllowed(role fresco.Role, employeeID int64, f *fresco.FollowUp) error {
	if f.Status != fresco.FollowUpOpen {
		return fresco.Errorf(fresco.ECONFLICT, "follow-up %d is already %s", f.ID, f.Status)
	}
	if !MayClose(role, employeeID, f) {
		return fresco.Errorf(fresco.EFORBIDDEN, "follow-up %d belongs to %s; an agent may close only their own", f.ID, f.OwnerName)
	}
	return nil
}

// CloseFollowUp records the contact and closes the follow-up, with its audit
// record. Both the channel and the outcome are required; an agent may close
// only their own follow-ups (MayClose).
func (l *Loop) CloseFollowUp(ctx context.Context, id int64, in CloseInput) (*fresco.FollowUp, error) {
	var f *fresco.FollowUp
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if f, err = tx.FollowUp(ctx, id); err != nil {
			return err
		}
		if err := CloseAllowed(in.Role, in.EmployeeID, f); err != nil {
			return err
		}
		at, err := l.validateClose(&in)
		if err != nil {
			return err
		}
		if err := tx.CloseFollowUp(ctx, id, at, in.ContactChannel, strings.TrimSpace(in.Outcome), in.Actor); err != nil {
			return err
		}
		if f, err = tx.FollowUp(ctx, id); err != nil {
			return err
		}
		if err := tx.Audit(ctx, in.Actor, "close", "follow_up", strconv.FormatInt(id, 10),
			map[string]any{"channel": f.ContactChannel}); err != nil {
			return err
		}
		_, err = l.notifier.Notify(ctx, tx, notify.Notification{Event: notify.EventFollowUpClosed,
			Subject: "Follow-up closed", Link: fmt.Sprintf("/followups/%d", id), Data: followUpData(f)})
		return err
	})
	if err != nil {
		return nil, err
	}
	l.notifier.Wake()
	return f, nil
}

// validateClose checks the contact that closes a follow-up, trimming its
// channel, and returns when the contact was made.
func (l *Loop) validateClose(in *CloseInput) (time.Time, error) {
	var v fresco.Validation
	in.ContactChannel = strings.TrimSpace(in.ContactChannel)
	switch {
	case in.ContactChannel == "":
		v.Add("contact_channel", "is required: how was the customer contacted (%s)?", strings.Join(ContactChannels, ", "))
	case !slices.Contains(ContactChannels, in.ContactChannel):
		v.Add("contact_channel", "must be one of %s (got %q)", strings.Join(ContactChannels, ", "), in.ContactChannel)
	}
	switch outcome := strings.TrimSpace(in.Outcome); {
	case outcome == "":
		v.Add("outcome", "is required: what came of the contact?")
	case !utf8.ValidString(outcome) || utf8.RuneCountInString(outcome) > 2000:
		v.Add("outcome", "must be valid text of at most 2000 characters")
	}
	now := l.opts.Now()
	at := now
	if in.ContactAt != nil {
		at = *in.ContactAt
		v.Past("contact_at", at, now, 5*time.Minute)
	}
	return at, v.Err()
}

// SweepOverdue tells the manager (and the owner) about each open follow-up
// past its due time, once. It returns how many it found.
func (l *Loop) SweepOverdue(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		err := l.db.InTx(ctx, func(tx *store.Tx) error {
			ids, err := tx.ClaimOverdueFollowUps(ctx, l.opts.Now(), 100)
			if err != nil {
				return err
			}
			n = len(ids)
			for _, id := range ids {
				f, err := tx.FollowUp(ctx, id)
				if err != nil {
					return err
				}
				var to []int64
				for _, p := range []*int64{f.ManagerID, f.OwnerID} {
					if p != nil {
						to = append(to, *p)
					}
				}
				who := f.CustomerName
				if who == "" {
					who = "a customer"
				}
				owner := f.OwnerName
				if owner == "" {
					owner = "nobody"
				}
				if _, err := l.notifier.Notify(ctx, tx, notify.Notification{Event: notify.EventFollowUpOverdue,
					EmployeeIDs: to,
					Subject:     fmt.Sprintf("Overdue follow-up with %s", who),
					Body: fmt.Sprintf("The follow-up with %s (owner: %s) was due %s and has no recorded contact yet.",
						who, owner, l.opts.Format(ctx).Stamp(f.DueAt)),
					Link: fmt.Sprintf("/followups/%d", f.ID), Data: followUpData(f)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < 100 {
			break
		}
	}
	if total > 0 {
		l.notifier.Wake()
	}
	return total, nil
}
