package feedback

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// Survey invitations that send themselves. A periodic sweep (any replica;
// the queue runs one job per slot) does three things:
//
//  1. For each active rule it finds the trigger events recorded since the
//     rule was made that have no invitation yet, and schedules one per
//     (rule, event) — an invitation_sends row, unique on that pair — due
//     the rule's delay after the event, moved out of the quiet hours.
//  2. It works off the pending invitations that are due: each in one
//     transaction that claims the row (a conditional UPDATE: of two
//     replicas one wins, the other sends nothing), checks the rule, survey
//     consent, the address and the contact-frequency rule, and either
//     records the invitation as skipped with the reason or makes a signed
//     survey link and queues its e-mail (notify's outbox job) or SMS (a
//     job of its own) in the same transaction. A crash before the commit
//     leaves the row pending and nothing queued; after it, the row is sent
//     and the mail job delivers it once.
//  3. It sends the one reminder of each unanswered invitation when it is
//     due, the same way; an answered one gets none.

// Job kinds.
const (
	JobInvitationSweep = "feedback.invitation_sweep"
	JobInvitationSMS   = "feedback.invitation_sms"
)

// InvitationSweep counts what a sweep did.
type InvitationSweep struct {
	Scheduled int `json:"scheduled"`
	Sent      int `json:"sent"`
	Skipped   int `json:"skipped"`
	Postponed int `json:"postponed"` // due inside the quiet hours
	Reminded  int `json:"reminded"`
}

const sweepBatch = 200

// SweepInvitations schedules the invitations of new trigger events and
// sends those due by now, with their reminders.
func (s *Service) SweepInvitations(ctx context.Context) (InvitationSweep, error) {
	run := &sweepRun{s: s, now: s.now(), set: s.opts.Business(ctx), interval: s.ContactInterval(ctx),
		rules: map[int64]*fresco.InvitationRule{}, surveys: map[int64]*fresco.Survey{},
		templates: map[int64]map[string]*fresco.InvitationTemplate{}, places: map[int64]string{}}
	run.zone = zoneOf(run.set)
	if err := s.scheduleInvitations(ctx, run); err != nil {
		return run.res, err
	}
	for _, phase := range []struct {
		what string
		due  func(context.Context, time.Time, int) ([]*fresco.InvitationSend, error)
		act  func(context.Context, *fresco.InvitationSend) error
	}{
		{"invitation", s.db.DueInvitationSends, run.sendInvitation},
		{"reminder of invitation", s.db.DueReminders, run.sendReminder},
	} {
		for {
			due, err := phase.due(ctx, run.now, sweepBatch)
			if err == nil && len(due) > 0 && run.key == nil {
				// Read (or made) outside the send's transaction, and only
				// when something is due: an idle sweep writes nothing.
				run.key, err = s.linkKey(ctx)
			}
			if err != nil {
				return run.res, err
			}
			for _, send := range due {
				if err := phase.act(ctx, send); err != nil {
					return run.res, fmt.Errorf("%s %d: %w", phase.what, send.ID, err)
				}
			}
			if len(due) < sweepBatch {
				break
			}
		}
	}
	return run.res, nil
}

// sweepRun is one sweep: its time, the business's settings, and what it
// has read once rather than for every invitation.
type sweepRun struct {
	s        *Service
	res      InvitationSweep
	key      []byte
	now      time.Time
	set      fresco.Settings
	zone     *time.Location
	interval time.Duration // the contact-frequency rule

	rules     map[int64]*fresco.InvitationRule
	surveys   map[int64]*fresco.Survey
	templates map[int64]map[string]*fresco.InvitationTemplate // by survey, by language
	places    map[int64]string                                // location names
}

func zoneOf(set fresco.Settings) *time.Location {
	loc, err := fresco.LoadZone(set.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func (r *sweepRun) rule(ctx context.Context, id int64) (*fresco.InvitationRule, error) {
	if rule, ok := r.rules[id]; ok {
		return rule, nil
	}
	rule, err := r.s.db.InvitationRule(ctx, id)
	r.rules[id] = rule
	return rule, err
}

func (r *sweepRun) survey(ctx context.Context, id int64) (*fresco.Survey, error) {
	if sv, ok := r.surveys[id]; ok {
		return sv, nil
	}
	sv, err := r.s.db.Survey(ctx, id)
	r.surveys[id] = sv
	return sv, err
}

func (r *sweepRun) templatesOf(ctx context.Context, surveyID int64) (map[string]*fresco.InvitationTemplate, error) {
	if m, ok := r.templates[surveyID]; ok {
		return m, nil
	}
	own, err := r.s.db.InvitationTemplates(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	m := map[string]*fresco.InvitationTemplate{}
	for _, t := range own {
		m[t.Lang] = t
	}
	r.templates[surveyID] = m
	return m, nil
}

func (r *sweepRun) place(ctx context.Context, id *int64) string {
	if id == nil {
		return ""
	}
	if name, ok := r.places[*id]; ok {
		return name
	}
	if l, err := r.s.db.Location(ctx, *id); err == nil {
		r.places[*id] = l.Name
	}
	return r.places[*id]
}

// scheduleInvitations makes the pending invitations of each active rule's
// new events: from the rule's creation (at most the lookback ago) up to now.
func (s *Service) scheduleInvitations(ctx context.Context, run *sweepRun) error {
	rules, err := s.db.ActiveInvitationRules(ctx)
	if err != nil {
		return err
	}
	for _, r := range rules {
		delay := time.Duration(r.DelayHours) * time.Hour
		// Events are scheduled when first seen, whatever the delay, so the
		// window only has to reach back to events recorded late (an import
		// of yesterday's till) or missed while no sweep ran.
		from := run.now.Add(-s.opts.InvitationLookback)
		if r.CreatedAt.After(from) {
			from = r.CreatedAt
		}
		for {
			events, err := s.db.NewTriggerEvents(ctx, r, from, run.now, sweepBatch)
			if err != nil {
				return err
			}
			for _, e := range events {
				send := &fresco.InvitationSend{RuleID: r.ID, SurveyID: r.SurveyID, Trigger: r.Trigger, TriggerID: e.ID,
					CustomerID: e.CustomerID, PurchaseID: e.PurchaseID, EventAt: e.At,
					DueAt: quietEnd(e.At.Add(delay), r.QuietStart, r.QuietEnd, run.zone)}
				created, err := s.db.ScheduleInvitationSend(ctx, send)
				if err != nil {
					return err
				}
				if created {
					run.res.Scheduled++
				}
			}
			if len(events) < sweepBatch {
				break
			}
		}
	}
	return nil
}

// quietEnd is t, or the end of the quiet hours [start, end) (times of day
// in zone, wrapping midnight when start is later) when t falls inside them.
func quietEnd(t time.Time, start, end string, zone *time.Location) time.Time {
	if start == "" || end == "" {
		return t
	}
	sm, em := clockMinutes(start), clockMinutes(end)
	lt := t.In(zone)
	m := lt.Hour()*60 + lt.Minute()
	endOn := func(dayOffset int) time.Time {
		return time.Date(lt.Year(), lt.Month(), lt.Day()+dayOffset, em/60, em%60, 0, 0, zone).UTC()
	}
	switch {
	case sm < em && m >= sm && m < em:
		return endOn(0)
	case sm > em && m >= sm:
		return endOn(1)
	case sm > em && m < em:
		return endOn(0)
	}
	return t
}

func clockMinutes(hhmm string) int {
	var h, m int
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return h*60 + m
}

// ruleOutsideQuiet returns the send's rule, or nil when now is inside its
// quiet hours, after moving the send to their end with postpone.
func (r *sweepRun) ruleOutsideQuiet(ctx context.Context, send *fresco.InvitationSend,
	postpone func(ctx context.Context, id int64, at time.Time) error) (*fresco.InvitationRule, error) {
	rule, err := r.rule(ctx, send.RuleID)
	if err != nil {
		return nil, err
	}
	if later := quietEnd(r.now, rule.QuietStart, rule.QuietEnd, r.zone); later.After(r.now) {
		r.res.Postponed++
		return nil, postpone(ctx, send.ID, later)
	}
	return rule, nil
}

// sendInvitation sends or skips one due invitation, exactly once.
func (r *sweepRun) sendInvitation(ctx context.Context, send *fresco.InvitationSend) error {
	rule, err := r.ruleOutsideQuiet(ctx, send, r.s.db.PostponeInvitationSend)
	if rule == nil || err != nil {
		return err
	}
	survey, err := r.survey(ctx, send.SurveyID)
	if err != nil {
		return err
	}
	var sent, skipped bool
	err = r.s.db.InTx(ctx, func(tx *store.Tx) error {
		sent, skipped = false, false
		if ok, err := tx.ClaimInvitationSend(ctx, send.ID, r.now); err != nil || !ok {
			return err // another replica has it
		}
		c, err := tx.Customer(ctx, send.CustomerID)
		if err != nil {
			return err
		}
		reason, detail := "", ""
		switch {
		case !rule.Active:
			reason, detail = fresco.SkipRuleInactive, fmt.Sprintf("rule %d was deactivated", rule.ID)
		case !survey.Active:
			reason, detail = fresco.SkipSurveyArchived, fmt.Sprintf("survey %q is archived", survey.Slug)
		default:
			if reason, detail, err = r.mayInvite(ctx, tx, c, rule.Channel, true); err != nil {
				return err
			}
		}
		if reason != "" {
			skipped = true
			return tx.SkipInvitationSend(ctx, send.ID, reason, detail)
		}
		if err := tx.RecordContact(ctx, c.ID, "survey:"+rule.Channel, r.now); err != nil {
			return err
		}
		inv := &fresco.Invitation{SurveyID: survey.ID, CustomerID: &c.ID, PurchaseID: send.PurchaseID, Channel: rule.Channel,
			ExpiresAt: r.now.Add(r.s.opts.LinkTTL + time.Duration(rule.ReminderDays)*24*time.Hour).Truncate(time.Second)}
		var purchasedAt *time.Time
		if send.PurchaseID != nil {
			a, err := tx.PurchaseAttribution(ctx, *send.PurchaseID)
			if err != nil {
				return err
			}
			inv.EmployeeID, inv.LocationID, purchasedAt = a.EmployeeID, a.LocationID, &a.PurchasedAt
		}
		if err := tx.CreateInvitation(ctx, inv); err != nil {
			return err
		}
		var remindAt *time.Time
		if rule.ReminderDays > 0 {
			t := quietEnd(r.now.Add(time.Duration(rule.ReminderDays)*24*time.Hour), rule.QuietStart, rule.QuietEnd, r.zone)
			remindAt = &t
		}
		if err := tx.SentInvitationSend(ctx, send.ID, inv.ID, remindAt); err != nil {
			return err
		}
		sent = true
		return r.deliver(ctx, tx, c, send.SurveyID, rule.Channel, false, inv, purchasedAt)
	})
	if err != nil {
		return err
	}
	switch {
	case sent:
		r.res.Sent++
		r.s.afterCommit()
	case skipped:
		r.res.Skipped++
	}
	return nil
}

// mayInvite says why customer c may not be asked now ("" when they may):
// no consent to surveys, no address for the channel or one that bounced,
// or (when contactRule) asked within the contact interval. It reads the
// consent again with the row locked, so that two requests cannot both pass.
func (r *sweepRun) mayInvite(ctx context.Context, tx *store.Tx, c *fresco.Customer, channel string, contactRule bool) (reason, detail string, err error) {
	consent, _, err := tx.CustomerConsent(ctx, c.ID)
	if err != nil {
		return "", "", err
	}
	switch {
	case !consent:
		return fresco.SkipNoConsent, "the customer has not agreed to be surveyed", nil
	case channel == "sms" && strings.TrimSpace(c.Phone) == "":
		return fresco.SkipNoAddress, "the customer has no phone number", nil
	case channel == "email" && strings.TrimSpace(c.Email) == "":
		return fresco.SkipNoAddress, "the customer has no e-mail address", nil
	case channel == "email" && c.EmailUndeliverableAt != nil:
		return fresco.SkipAddressBounced, "mail to " + c.Email + " bounced on " + c.EmailUndeliverableAt.Format(time.DateOnly), nil
	case !contactRule:
		return "", "", nil
	}
	last, _, err := askedWithin(ctx, tx, c.ID, r.now, r.interval)
	if err != nil || last == nil {
		return "", "", err
	}
	return fresco.SkipContacted, "contacted on " + last.Format(time.DateOnly), nil
}

// deliver queues the invitation's (or reminder's) e-mail or SMS to c within tx.
func (r *sweepRun) deliver(ctx context.Context, tx *store.Tx, c *fresco.Customer, surveyID int64, channel string, reminder bool,
	inv *fresco.Invitation, purchasedAt *time.Time) error {
	own, err := r.templatesOf(ctx, surveyID)
	if err != nil {
		return err
	}
	lang := pickLang(c.Locale, r.set.Locale, own)
	facts := mailFacts{CustomerName: c.Name, Business: r.set.BusinessName, Zone: r.zone, PurchasedAt: purchasedAt,
		Link: strings.TrimRight(r.s.opts.BaseURL, "/") + "/s/" + sign(r.key, inv.ID, inv.ExpiresAt), Location: r.place(ctx, inv.LocationID)}
	subject, body := invitationText(lang, channel, reminder, own[lang], facts)
	if channel == "sms" {
		kind := "invitation"
		if reminder {
			kind = "reminder"
		}
		_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: JobInvitationSMS, Payload: smsJob{To: c.Phone, Text: body},
			UniqueKey: fmt.Sprintf("sms:%s:%d", kind, inv.ID)})
		return err
	}
	if r.s.opts.Notifier == nil {
		return fmt.Errorf("no notifier to send invitation e-mail")
	}
	purpose := fresco.EmailPurposeInvitation
	if reminder {
		purpose = fresco.EmailPurposeReminder
	} else if body, err = r.withSuggestions(ctx, c.ID, lang, body); err != nil {
		return err
	}
	return r.s.opts.Notifier.QueueCustomerMail(ctx, tx, &fresco.EmailMessage{CustomerID: &c.ID, Purpose: purpose,
		Subject: subject, Body: body})
}

// withSuggestions adds to an invitation's body the customer's suggestions
// when the owner allows them (Options.Suggestions); the reminder, a second
// knock, carries none. A failure to read them is logged and the invitation
// goes without: it matters more.
func (r *sweepRun) withSuggestions(ctx context.Context, customerID int64, lang, body string) (string, error) {
	if r.s.opts.Suggestions == nil {
		return body, nil
	}
	block, err := r.s.opts.Suggestions(ctx, customerID, lang)
	if err != nil {
		r.s.opts.Logger.WarnContext(ctx, "invitation suggestions", "customer_id", customerID, "err", err)
		return body, nil
	}
	return body + block, nil
}

type smsJob struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// sendReminder sends (or settles without sending) one due reminder.
func (r *sweepRun) sendReminder(ctx context.Context, send *fresco.InvitationSend) error {
	rule, err := r.ruleOutsideQuiet(ctx, send, r.s.db.PostponeReminder)
	if rule == nil || err != nil {
		return err
	}
	if send.InvitationID == nil {
		return fmt.Errorf("sent without an invitation")
	}
	inv, err := r.s.db.Invitation(ctx, *send.InvitationID)
	if err != nil {
		return err
	}
	var purchasedAt *time.Time
	if send.PurchaseID != nil {
		if p, err := r.s.db.Purchase(ctx, *send.PurchaseID); err == nil {
			purchasedAt = &p.PurchasedAt
		}
	}
	reminded := false
	err = r.s.db.InTx(ctx, func(tx *store.Tx) error {
		reminded = false
		status := fresco.ReminderSent
		used, err := tx.InvitationUsed(ctx, inv.ID)
		if err != nil {
			return err
		}
		c, err := tx.Customer(ctx, send.CustomerID)
		if err != nil {
			return err
		}
		switch {
		case used:
			status = fresco.ReminderAnswered
		case !rule.Active || !r.now.Before(inv.ExpiresAt):
			status = fresco.ReminderSkipped
		default:
			reason, _, err := r.mayInvite(ctx, tx, c, rule.Channel, false)
			if err != nil {
				return err
			}
			if reason != "" {
				status = fresco.ReminderSkipped
			}
		}
		if ok, err := tx.ClaimReminder(ctx, send.ID, status, r.now); err != nil || !ok || status != fresco.ReminderSent {
			return err
		}
		reminded = true
		return r.deliver(ctx, tx, c, send.SurveyID, rule.Channel, true, inv, purchasedAt)
	})
	if err == nil && reminded {
		r.res.Reminded++
		r.s.afterCommit()
	}
	return err
}

func (s *Service) afterCommit() {
	if s.opts.AfterCommit != nil {
		s.opts.AfterCommit()
	}
}

// RegisterInvitationJobs registers the sweep, run every
// Options.InvitationEvery, and the SMS delivery job.
func (s *Service) RegisterInvitationJobs(q *jobs.Queue) {
	q.Register(JobInvitationSweep, func(ctx context.Context, _ *jobs.Running) error {
		_, err := s.SweepInvitations(ctx)
		return err
	})
	q.Register(JobInvitationSMS, func(ctx context.Context, job *jobs.Running) error {
		var m smsJob
		if err := job.Decode(&m); err != nil {
			return err
		}
		if m.To == "" {
			return nil // the customer was erased while it waited (portable.EraseCustomer): nobody to text
		}
		return s.opts.SMS.Send(ctx, m.To, m.Text)
	})
	q.Every(JobInvitationSweep, s.opts.InvitationEvery)
}

// markOpened records the first view of an invitation's survey form.
func (s *Service) markOpened(ctx context.Context, inv *fresco.Invitation) {
	if inv.OpenedAt != nil {
		return
	}
	if err := s.db.MarkInvitationOpened(ctx, inv.ID, s.now()); err != nil {
		s.opts.Logger.WarnContext(ctx, "recording that a survey link was opened", "invitation", inv.ID, "err", err)
	}
}
