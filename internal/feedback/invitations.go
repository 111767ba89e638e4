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
	var res InvitationSweep
	now := s.now()
	zone := s.zone(ctx)
	if err := s.scheduleInvitations(ctx, now, zone, &res); err != nil {
		return res, err
	}
	key, err := s.linkKey(ctx)
	if err != nil {
		return res, err
	}
	for {
		due, err := s.db.DueInvitationSends(ctx, now, sweepBatch)
		if err != nil {
			return res, err
		}
		for _, send := range due {
			if err := s.sendInvitation(ctx, key, send, now, zone, &res); err != nil {
				return res, fmt.Errorf("invitation %d: %w", send.ID, err)
			}
		}
		if len(due) < sweepBatch {
			break
		}
	}
	for {
		due, err := s.db.DueReminders(ctx, now, sweepBatch)
		if err != nil {
			return res, err
		}
		for _, send := range due {
			if err := s.sendReminder(ctx, key, send, now, zone, &res); err != nil {
				return res, fmt.Errorf("reminder of invitation %d: %w", send.ID, err)
			}
		}
		if len(due) < sweepBatch {
			return res, nil
		}
	}
}

func (s *Service) zone(ctx context.Context) *time.Location {
	loc, err := fresco.LoadZone(s.opts.Business(ctx).TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// scheduleInvitations makes the pending invitations of each active rule's
// new events: from the rule's creation (at most the lookback ago) up to now.
func (s *Service) scheduleInvitations(ctx context.Context, now time.Time, zone *time.Location, res *InvitationSweep) error {
	rules, err := s.db.ActiveInvitationRules(ctx)
	if err != nil {
		return err
	}
	for _, r := range rules {
		delay := time.Duration(r.DelayHours) * time.Hour
		// Events are scheduled when first seen, whatever the delay, so the
		// window only has to reach back to events recorded late (an import
		// of yesterday's till) or missed while no sweep ran.
		from := now.Add(-s.opts.InvitationLookback)
		if r.CreatedAt.After(from) {
			from = r.CreatedAt
		}
		for {
			events, err := s.db.NewTriggerEvents(ctx, r, from, now, sweepBatch)
			if err != nil {
				return err
			}
			for _, e := range events {
				send := &fresco.InvitationSend{RuleID: r.ID, SurveyID: r.SurveyID, Trigger: r.Trigger, TriggerID: e.ID,
					CustomerID: e.CustomerID, PurchaseID: e.PurchaseID, EventAt: e.At,
					DueAt: quietEnd(e.At.Add(delay), r.QuietStart, r.QuietEnd, zone)}
				created, err := s.db.ScheduleInvitationSend(ctx, send)
				if err != nil {
					return err
				}
				if created {
					res.Scheduled++
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

// sendInvitation sends or skips one due invitation, exactly once.
func (s *Service) sendInvitation(ctx context.Context, key []byte, send *fresco.InvitationSend, now time.Time, zone *time.Location, res *InvitationSweep) error {
	rule, err := s.db.InvitationRule(ctx, send.RuleID)
	if err != nil {
		return err
	}
	if later := quietEnd(now, rule.QuietStart, rule.QuietEnd, zone); later.After(now) {
		res.Postponed++
		return s.db.PostponeInvitationSend(ctx, send.ID, later)
	}
	survey, err := s.db.Survey(ctx, send.SurveyID)
	if err != nil {
		return err
	}
	var sent, skipped bool
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		sent, skipped = false, false
		if ok, err := tx.ClaimInvitationSend(ctx, send.ID, now); err != nil || !ok {
			return err // another replica has it
		}
		reason, detail := "", ""
		switch {
		case !rule.Active:
			reason, detail = fresco.SkipRuleInactive, fmt.Sprintf("rule %d was deactivated", rule.ID)
		case !survey.Active:
			reason, detail = fresco.SkipSurveyArchived, fmt.Sprintf("survey %q is archived", survey.Slug)
		default:
			if reason, detail, err = s.mayInvite(ctx, tx, send.CustomerID, rule.Channel, now, true); err != nil {
				return err
			}
		}
		if reason != "" {
			skipped = true
			return tx.SkipInvitationSend(ctx, send.ID, reason, detail)
		}
		if err := tx.RecordContact(ctx, send.CustomerID, "survey:"+rule.Channel, now); err != nil {
			return err
		}
		inv := &fresco.Invitation{SurveyID: survey.ID, CustomerID: &send.CustomerID, PurchaseID: send.PurchaseID, Channel: rule.Channel,
			ExpiresAt: now.Add(s.opts.LinkTTL + time.Duration(rule.ReminderDays)*24*time.Hour).Truncate(time.Second)}
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
			t := quietEnd(now.Add(time.Duration(rule.ReminderDays)*24*time.Hour), rule.QuietStart, rule.QuietEnd, zone)
			remindAt = &t
		}
		if err := tx.SentInvitationSend(ctx, send.ID, inv.ID, remindAt); err != nil {
			return err
		}
		sent = true
		return s.deliver(ctx, tx, send, rule.Channel, false, inv, sign(key, inv.ID, inv.ExpiresAt), purchasedAt, zone)
	})
	if err != nil {
		return err
	}
	switch {
	case sent:
		res.Sent++
		s.afterCommit()
	case skipped:
		res.Skipped++
	}
	return nil
}

// mayInvite says why the customer may not be asked now ("" when they may):
// no consent to surveys, no address for the channel or one that bounced,
// or (when contactRule) asked within the contact interval.
func (s *Service) mayInvite(ctx context.Context, tx *store.Tx, customerID int64, channel string, at time.Time, contactRule bool) (reason, detail string, err error) {
	consent, _, err := tx.CustomerConsent(ctx, customerID)
	if err != nil {
		return "", "", err
	}
	if !consent {
		return fresco.SkipNoConsent, "the customer has not agreed to be surveyed", nil
	}
	c, err := tx.Customer(ctx, customerID)
	if err != nil {
		return "", "", err
	}
	switch {
	case channel == "sms" && strings.TrimSpace(c.Phone) == "":
		return fresco.SkipNoAddress, "the customer has no phone number", nil
	case channel == "email" && strings.TrimSpace(c.Email) == "":
		return fresco.SkipNoAddress, "the customer has no e-mail address", nil
	case channel == "email" && c.EmailUndeliverableAt != nil:
		return fresco.SkipAddressBounced, "mail to " + c.Email + " bounced on " + c.EmailUndeliverableAt.Format(time.DateOnly), nil
	}
	if !contactRule {
		return "", "", nil
	}
	last, err := tx.LastContact(ctx, customerID)
	if err != nil {
		return "", "", err
	}
	if interval := s.ContactInterval(ctx); last != nil && at.Before(last.Add(interval)) {
		return fresco.SkipContacted, "contacted on " + last.Format(time.DateOnly), nil
	}
	return "", "", nil
}

// deliver queues the invitation's (or reminder's) e-mail or SMS within tx.
func (s *Service) deliver(ctx context.Context, tx *store.Tx, send *fresco.InvitationSend, channel string, reminder bool,
	inv *fresco.Invitation, token string, purchasedAt *time.Time, zone *time.Location) error {
	c, err := tx.Customer(ctx, send.CustomerID)
	if err != nil {
		return err
	}
	own, err := s.db.InvitationTemplates(ctx, send.SurveyID)
	if err != nil {
		return err
	}
	byLang := map[string]*fresco.InvitationTemplate{}
	for _, t := range own {
		byLang[t.Lang] = t
	}
	set := s.opts.Business(ctx)
	lang := pickLang(c.Locale, set.Locale, byLang)
	facts := mailFacts{CustomerName: c.Name, Business: set.BusinessName, Zone: zone, PurchasedAt: purchasedAt,
		Link: strings.TrimRight(s.opts.BaseURL, "/") + "/s/" + token}
	if inv.LocationID != nil {
		if l, err := s.db.Location(ctx, *inv.LocationID); err == nil {
			facts.Location = l.Name
		}
	}
	subject, body := invitationText(lang, channel, reminder, byLang[lang], facts)
	if channel == "sms" {
		kind := "invitation"
		if reminder {
			kind = "reminder"
		}
		_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: JobInvitationSMS, Payload: smsJob{To: c.Phone, Text: body},
			UniqueKey: fmt.Sprintf("sms:%s:%d", kind, send.ID)})
		return err
	}
	if s.opts.Notifier == nil {
		return fmt.Errorf("no notifier to send invitation e-mail")
	}
	purpose := fresco.EmailPurposeInvitation
	if reminder {
		purpose = fresco.EmailPurposeReminder
	}
	return s.opts.Notifier.QueueCustomerMail(ctx, tx, &fresco.EmailMessage{CustomerID: &c.ID, Purpose: purpose,
		Subject: subject, Body: body})
}

type smsJob struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// sendReminder sends (or settles without sending) one due reminder.
func (s *Service) sendReminder(ctx context.Context, key []byte, send *fresco.InvitationSend, now time.Time, zone *time.Location, res *InvitationSweep) error {
	rule, err := s.db.InvitationRule(ctx, send.RuleID)
	if err != nil {
		return err
	}
	if later := quietEnd(now, rule.QuietStart, rule.QuietEnd, zone); later.After(now) {
		res.Postponed++
		return s.db.PostponeReminder(ctx, send.ID, later)
	}
	if send.InvitationID == nil {
		return fmt.Errorf("sent without an invitation")
	}
	inv, err := s.db.Invitation(ctx, *send.InvitationID)
	if err != nil {
		return err
	}
	var purchasedAt *time.Time
	if send.PurchaseID != nil {
		if p, err := s.db.Purchase(ctx, *send.PurchaseID); err == nil {
			purchasedAt = &p.PurchasedAt
		}
	}
	reminded := false
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		reminded = false
		status := fresco.ReminderSent
		used, err := tx.InvitationUsed(ctx, inv.ID)
		if err != nil {
			return err
		}
		switch {
		case used:
			status = fresco.ReminderAnswered
		case !rule.Active || !now.Before(inv.ExpiresAt):
			status = fresco.ReminderSkipped
		default:
			reason, _, err := s.mayInvite(ctx, tx, send.CustomerID, rule.Channel, now, false)
			if err != nil {
				return err
			}
			if reason != "" {
				status = fresco.ReminderSkipped
			}
		}
		if ok, err := tx.ClaimReminder(ctx, send.ID, status, now); err != nil || !ok || status != fresco.ReminderSent {
			return err
		}
		reminded = true
		return s.deliver(ctx, tx, send, rule.Channel, true, inv, sign(key, inv.ID, inv.ExpiresAt), purchasedAt, zone)
	})
	if err == nil && reminded {
		res.Reminded++
		s.afterCommit()
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
