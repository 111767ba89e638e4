package store

// Invitation rules and the invitations the scheduler makes from them: one
// invitation_sends row per (rule, trigger record), inserted when the sweep
// first sees the event and claimed at its due time by a conditional UPDATE
// in the transaction that sends it, so that replicas sweeping together send
// each one once.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const ruleColumns = `id, survey_id, trigger_kind, location_id, purchase_channel, delay_hours, channel, reminder_days,
	quiet_start, quiet_end, active, created_by, created_at, updated_at`

func scanRule(row rowScanner) (*fresco.InvitationRule, error) {
	var r fresco.InvitationRule
	var location sql.NullInt64
	if err := row.Scan(&r.ID, &r.SurveyID, &r.Trigger, &location, &r.PurchaseChannel, &r.DelayHours, &r.Channel, &r.ReminderDays,
		&r.QuietStart, &r.QuietEnd, &r.Active, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.LocationID = ptrID(location)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// InvitationRules returns a survey's rules, oldest first.
func (db *DB) InvitationRules(ctx context.Context, surveyID int64) ([]*fresco.InvitationRule, error) {
	return queryAll(ctx, db, scanRule, `SELECT `+ruleColumns+` FROM invitation_rules WHERE survey_id = ? ORDER BY id`, surveyID)
}

// ActiveInvitationRules returns every active rule of an active survey.
func (db *DB) ActiveInvitationRules(ctx context.Context) ([]*fresco.InvitationRule, error) {
	return queryAll(ctx, db, scanRule, `SELECT `+ruleColumns+` FROM invitation_rules
		WHERE active AND survey_id IN (SELECT id FROM surveys WHERE active) ORDER BY id`)
}

// InvitationRule returns the rule with the id.
func (db *DB) InvitationRule(ctx context.Context, id int64) (*fresco.InvitationRule, error) {
	r, err := scanRule(db.QueryRow(ctx, `SELECT `+ruleColumns+` FROM invitation_rules WHERE id = ?`, id))
	return r, notFound(err, "invitation rule", id)
}

// CreateInvitationRule stores a new rule; r.CreatedAt is the time from
// which its trigger events count.
func (tx *Tx) CreateInvitationRule(ctx context.Context, r *fresco.InvitationRule) error {
	r.UpdatedAt = r.CreatedAt
	return tx.QueryRow(ctx, `INSERT INTO invitation_rules (survey_id, trigger_kind, location_id, purchase_channel, delay_hours,
		channel, reminder_days, quiet_start, quiet_end, active, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.SurveyID, r.Trigger, nullID(r.LocationID), r.PurchaseChannel, r.DelayHours, r.Channel, r.ReminderDays,
		r.QuietStart, r.QuietEnd, r.Active, r.CreatedBy, r.CreatedAt.UTC(), r.UpdatedAt.UTC()).Scan(&r.ID)
}

// UpdateInvitationRule writes r over the stored rule.
func (tx *Tx) UpdateInvitationRule(ctx context.Context, r *fresco.InvitationRule) error {
	res, err := tx.Exec(ctx, `UPDATE invitation_rules SET trigger_kind = ?, location_id = ?, purchase_channel = ?, delay_hours = ?,
		channel = ?, reminder_days = ?, quiet_start = ?, quiet_end = ?, active = ?, updated_at = ? WHERE id = ? AND survey_id = ?`,
		r.Trigger, nullID(r.LocationID), r.PurchaseChannel, r.DelayHours, r.Channel, r.ReminderDays, r.QuietStart, r.QuietEnd,
		r.Active, r.UpdatedAt.UTC(), r.ID, r.SurveyID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFound(errors.Join(err, sql.ErrNoRows), "invitation rule", r.ID)
	}
	return nil
}

// DeleteInvitationRule removes a rule that has made no invitation yet; a
// rule with history is refused (ECONFLICT): deactivate it instead.
func (tx *Tx) DeleteInvitationRule(ctx context.Context, surveyID, id int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM invitation_sends WHERE rule_id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fresco.Errorf(fresco.ECONFLICT, "invitation rule %d has made %d invitations, which keep their history: set active to false instead", id, n)
	}
	res, err := tx.Exec(ctx, `DELETE FROM invitation_rules WHERE id = ? AND survey_id = ?`, id, surveyID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFound(errors.Join(err, sql.ErrNoRows), "invitation rule", id)
	}
	return nil
}

// TriggerEvent is a recorded event a rule may invite after.
type TriggerEvent struct {
	ID         int64 // of the purchase, case or call task
	CustomerID int64
	PurchaseID *int64
	At         time.Time
}

// NewTriggerEvents returns the events of r's kind in [from, to] that r has
// not scheduled an invitation for yet, oldest first.
func (db *DB) NewTriggerEvents(ctx context.Context, r *fresco.InvitationRule, from, to time.Time, limit int) ([]TriggerEvent, error) {
	var w conditions
	var query string
	switch r.Trigger {
	case fresco.TriggerPurchase:
		w.add("pu.customer_id IS NOT NULL AND pu.total > 0 AND pu.purchased_at >= ? AND pu.purchased_at <= ?", from.UTC(), to.UTC())
		w.idIs("pu.location_id", r.LocationID)
		w.textIs("pu.channel", r.PurchaseChannel)
		query = `SELECT pu.id, pu.customer_id, pu.id, pu.purchased_at FROM purchases pu WHERE ` + w.sql() + `
			AND NOT EXISTS (SELECT 1 FROM invitation_sends s WHERE s.rule_id = ? AND s.trigger_kind = 'purchase' AND s.trigger_id = pu.id)
			ORDER BY pu.purchased_at, pu.id LIMIT ?`
	case fresco.TriggerCaseClosed:
		w.add("c.status = 'closed' AND c.closed_at >= ? AND c.closed_at <= ?", from.UTC(), to.UTC())
		query = `SELECT c.id, c.customer_id, c.purchase_id, c.closed_at FROM recovery_cases c WHERE ` + w.sql() + `
			AND NOT EXISTS (SELECT 1 FROM invitation_sends s WHERE s.rule_id = ? AND s.trigger_kind = 'case_closed' AND s.trigger_id = c.id)
			ORDER BY c.closed_at, c.id LIMIT ?`
	case fresco.TriggerCallDone:
		w.add("t.status = 'done' AND t.completed_at >= ? AND t.completed_at <= ?", from.UTC(), to.UTC())
		query = `SELECT t.id, t.customer_id, t.purchase_id, t.completed_at FROM call_tasks t WHERE ` + w.sql() + `
			AND NOT EXISTS (SELECT 1 FROM invitation_sends s WHERE s.rule_id = ? AND s.trigger_kind = 'call_done' AND s.trigger_id = t.id)
			ORDER BY t.completed_at, t.id LIMIT ?`
	default:
		return nil, fresco.Errorf(fresco.EINVALID, "invitation rule %d: unknown trigger %q", r.ID, r.Trigger)
	}
	return queryAll(ctx, db, func(row rowScanner) (TriggerEvent, error) {
		var e TriggerEvent
		var purchase sql.NullInt64
		err := row.Scan(&e.ID, &e.CustomerID, &purchase, &e.At)
		e.PurchaseID, e.At = ptrID(purchase), e.At.UTC()
		return e, err
	}, query, append(w.args, r.ID, limit)...)
}

const sendColumns = `id, rule_id, survey_id, trigger_kind, trigger_id, customer_id, purchase_id, event_at, due_at, status,
	skip_reason, skip_detail, invitation_id, sent_at, remind_at, reminder_status, reminded_at, created_at`

func scanSend(row rowScanner) (*fresco.InvitationSend, error) {
	var s fresco.InvitationSend
	var purchase, inv sql.NullInt64
	var sent, remind, reminded sql.NullTime
	if err := row.Scan(&s.ID, &s.RuleID, &s.SurveyID, &s.Trigger, &s.TriggerID, &s.CustomerID, &purchase, &s.EventAt, &s.DueAt,
		&s.Status, &s.SkipReason, &s.SkipDetail, &inv, &sent, &remind, &s.ReminderStatus, &reminded, &s.CreatedAt); err != nil {
		return nil, err
	}
	s.PurchaseID, s.InvitationID = ptrID(purchase), ptrID(inv)
	s.SentAt, s.RemindAt, s.RemindedAt = ptrTime(sent), ptrTime(remind), ptrTime(reminded)
	s.EventAt, s.DueAt, s.CreatedAt = s.EventAt.UTC(), s.DueAt.UTC(), s.CreatedAt.UTC()
	return &s, nil
}

// ScheduleInvitationSend stores a pending invitation unless its (rule,
// trigger record) has one already; it reports whether it did.
func (db *DB) ScheduleInvitationSend(ctx context.Context, s *fresco.InvitationSend) (bool, error) {
	s.Status, s.CreatedAt = fresco.SendPending, now()
	var created bool
	err := db.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO invitation_sends (rule_id, survey_id, trigger_kind, trigger_id, customer_id, purchase_id,
			event_at, due_at, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (rule_id, trigger_kind, trigger_id) DO NOTHING RETURNING id`,
			s.RuleID, s.SurveyID, s.Trigger, s.TriggerID, s.CustomerID, nullID(s.PurchaseID), s.EventAt.UTC(), s.DueAt.UTC(),
			s.Status, s.CreatedAt).Scan(&s.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		created = err == nil
		return err
	})
	return created, err
}

// DueInvitationSends returns pending invitations due by now, oldest first.
func (db *DB) DueInvitationSends(ctx context.Context, now time.Time, limit int) ([]*fresco.InvitationSend, error) {
	return queryAll(ctx, db, scanSend, `SELECT `+sendColumns+` FROM invitation_sends
		WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?`, now.UTC(), limit)
}

// DueReminders returns sent invitations whose reminder is due by now.
func (db *DB) DueReminders(ctx context.Context, now time.Time, limit int) ([]*fresco.InvitationSend, error) {
	return queryAll(ctx, db, scanSend, `SELECT `+sendColumns+` FROM invitation_sends
		WHERE reminder_status = 'due' AND remind_at <= ? ORDER BY remind_at, id LIMIT ?`, now.UTC(), limit)
}

// InvitationSends returns a survey's newest invitations.
func (db *DB) InvitationSends(ctx context.Context, surveyID int64, limit int) ([]*fresco.InvitationSend, error) {
	return queryAll(ctx, db, scanSend, `SELECT `+sendColumns+` FROM invitation_sends
		WHERE survey_id = ? ORDER BY id DESC LIMIT ?`, surveyID, limit)
}

// ClaimInvitationSend marks a pending invitation sent at at, reporting
// false when it is no longer pending (another replica took it): the caller
// then sends nothing. On PostgreSQL the row stays locked until the
// transaction ends, so a concurrent claim waits and then finds it taken.
func (tx *Tx) ClaimInvitationSend(ctx context.Context, id int64, at time.Time) (bool, error) {
	return tx.affectedOne(ctx, `UPDATE invitation_sends SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'pending'`,
		at.UTC().Truncate(time.Microsecond), id)
}

// SkipInvitationSend records a claimed invitation as skipped, with why.
func (tx *Tx) SkipInvitationSend(ctx context.Context, id int64, reason, detail string) error {
	_, err := tx.Exec(ctx, `UPDATE invitation_sends SET status = 'skipped', sent_at = NULL, skip_reason = ?, skip_detail = ? WHERE id = ?`,
		reason, detail, id)
	return err
}

// SentInvitationSend records the link of a claimed invitation and when its
// reminder is due (nil: none).
func (tx *Tx) SentInvitationSend(ctx context.Context, id, invitationID int64, remindAt *time.Time) error {
	status := fresco.ReminderNone
	if remindAt != nil {
		status = fresco.ReminderDue
	}
	_, err := tx.Exec(ctx, `UPDATE invitation_sends SET invitation_id = ?, remind_at = ?, reminder_status = ? WHERE id = ?`,
		invitationID, nullTime(remindAt), status, id)
	return err
}

// PostponeInvitationSend moves a pending invitation's due time (quiet hours).
func (db *DB) PostponeInvitationSend(ctx context.Context, id int64, due time.Time) error {
	_, err := db.Exec(ctx, `UPDATE invitation_sends SET due_at = ? WHERE id = ? AND status = 'pending'`, due.UTC(), id)
	return err
}

// PostponeReminder moves a due reminder (quiet hours).
func (db *DB) PostponeReminder(ctx context.Context, id int64, at time.Time) error {
	_, err := db.Exec(ctx, `UPDATE invitation_sends SET remind_at = ? WHERE id = ? AND reminder_status = 'due'`, at.UTC(), id)
	return err
}

// ClaimReminder settles a due reminder as status at at, reporting false when
// it is no longer due (another replica took it).
func (tx *Tx) ClaimReminder(ctx context.Context, id int64, status string, at time.Time) (bool, error) {
	return tx.affectedOne(ctx, `UPDATE invitation_sends SET reminder_status = ?, reminded_at = ? WHERE id = ? AND reminder_status = 'due'`,
		status, at.UTC().Truncate(time.Microsecond), id)
}

func (tx *Tx) affectedOne(ctx context.Context, query string, args ...any) (bool, error) {
	res, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InvitationCounts counts the scheduler's invitations due in [from, to)
// per survey (bySurvey) or per listening post, with how many of those sent
// were opened and answered.
func (db *DB) InvitationCounts(ctx context.Context, from, to time.Time, bySurvey bool) (map[int64]*fresco.InvitationCounts, error) {
	key := "sv.post_id"
	if bySurvey {
		key = "s.survey_id"
	}
	var w conditions
	w.within("s.due_at", from, to)
	out := map[int64]*fresco.InvitationCounts{}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var status, reason string
		var n, opened, answered int
		if err := row.Scan(&id, &status, &reason, &n, &opened, &answered); err != nil {
			return err
		}
		c := out[id]
		if c == nil {
			c = &fresco.InvitationCounts{Skipped: map[string]int{}}
			out[id] = c
		}
		switch status {
		case fresco.SendSent:
			c.Sent += n
			c.Opened += opened
			c.Answered += answered
		case fresco.SendSkipped:
			c.Skipped[reason] += n
		}
		return nil
	}, `SELECT `+key+`, s.status, s.skip_reason, COUNT(*),
			COALESCE(SUM(CASE WHEN i.opened_at IS NULL AND i.used_at IS NULL THEN 0 ELSE 1 END), 0),
			COALESCE(SUM(CASE WHEN i.used_at IS NULL THEN 0 ELSE 1 END), 0)
		FROM invitation_sends s JOIN surveys sv ON sv.id = s.survey_id
		LEFT JOIN survey_invitations i ON i.id = s.invitation_id
		WHERE s.status <> 'pending' AND `+w.sql()+` GROUP BY `+key+`, s.status, s.skip_reason`, w.args...)
	return out, err
}

// InvitationTemplates returns a survey's own invitation e-mails.
func (db *DB) InvitationTemplates(ctx context.Context, surveyID int64) ([]*fresco.InvitationTemplate, error) {
	return queryAll(ctx, db, func(row rowScanner) (*fresco.InvitationTemplate, error) {
		var t fresco.InvitationTemplate
		err := row.Scan(&t.SurveyID, &t.Lang, &t.Subject, &t.Body, &t.UpdatedAt)
		t.UpdatedAt = t.UpdatedAt.UTC()
		return &t, err
	}, `SELECT survey_id, lang, subject, body, updated_at FROM invitation_templates WHERE survey_id = ? ORDER BY lang`, surveyID)
}

// SetInvitationTemplate stores a survey's invitation e-mail in a language.
func (tx *Tx) SetInvitationTemplate(ctx context.Context, t *fresco.InvitationTemplate) error {
	t.UpdatedAt = now()
	_, err := tx.Exec(ctx, `INSERT INTO invitation_templates (survey_id, lang, subject, body, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (survey_id, lang) DO UPDATE SET subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at`,
		t.SurveyID, t.Lang, t.Subject, t.Body, t.UpdatedAt)
	return err
}

// DeleteInvitationTemplate goes back to the built-in text for a language;
// it reports whether there was a template.
func (tx *Tx) DeleteInvitationTemplate(ctx context.Context, surveyID int64, lang string) (bool, error) {
	return tx.affectedOne(ctx, `DELETE FROM invitation_templates WHERE survey_id = ? AND lang = ?`, surveyID, lang)
}

// MarkInvitationOpened records the first time an invitation's survey form
// was viewed; later views change nothing.
func (db *DB) MarkInvitationOpened(ctx context.Context, id int64, at time.Time) error {
	_, err := db.Exec(ctx, `UPDATE survey_invitations SET opened_at = ? WHERE id = ? AND opened_at IS NULL`,
		at.UTC().Truncate(time.Microsecond), id)
	return err
}

// InvitationUsed reports, within the transaction, whether the invitation
// was answered.
func (tx *Tx) InvitationUsed(ctx context.Context, id int64) (bool, error) {
	var used sql.NullTime
	err := tx.QueryRow(ctx, `SELECT used_at FROM survey_invitations WHERE id = ?`, id).Scan(&used)
	return used.Valid, notFound(err, "invitation", id)
}
