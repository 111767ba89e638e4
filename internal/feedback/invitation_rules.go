package feedback

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Invitation rules per survey, and the survey's own invitation e-mails.
// The scheduler that acts on them is in invitations.go.

// Bounds of a rule.
const (
	maxDelayHours   = 366 * 24
	maxReminderDays = 30
)

var clockPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// validateRule checks a rule as typed; the survey and location are the
// caller's to check exist.
func validateRule(r *fresco.InvitationRule) *fresco.Validation {
	var v fresco.Validation
	triggers := []string{fresco.TriggerPurchase, fresco.TriggerCaseClosed, fresco.TriggerCallDone}
	v.Check(slices.Contains(triggers, r.Trigger), "trigger", "must be purchase, case_closed or call_done (got %q)", r.Trigger)
	r.PurchaseChannel = strings.TrimSpace(r.PurchaseChannel)
	v.Text("purchase_channel", r.PurchaseChannel, false, maxSlugLen)
	if r.Trigger != fresco.TriggerPurchase {
		v.Check(r.LocationID == nil, "location_id", "only a purchase trigger is narrowed to a location")
		v.Check(r.PurchaseChannel == "", "purchase_channel", "only a purchase trigger is narrowed to a channel")
	}
	checkID(&v, "location_id", r.LocationID)
	v.Check(r.DelayHours >= 0 && r.DelayHours <= maxDelayHours, "delay_hours", "the delay must be between 0 hours and 366 days")
	v.Check(r.Channel == "email" || r.Channel == "sms", "channel", "must be email or sms (got %q)", r.Channel)
	v.Check(r.ReminderDays >= 0 && r.ReminderDays <= maxReminderDays, "reminder_days", "must be between 0 (no reminder) and %d days", maxReminderDays)
	r.QuietStart, r.QuietEnd = strings.TrimSpace(r.QuietStart), strings.TrimSpace(r.QuietEnd)
	switch {
	case r.QuietStart == "" && r.QuietEnd == "":
	case !clockPattern.MatchString(r.QuietStart):
		v.Add("quiet_start", "must be a time of day such as 21:00 (got %q)", r.QuietStart)
	case !clockPattern.MatchString(r.QuietEnd):
		v.Add("quiet_end", "must be a time of day such as 08:00 (got %q)", r.QuietEnd)
	case r.QuietStart == r.QuietEnd:
		v.Add("quiet_end", "must differ from quiet_start")
	}
	return &v
}

// SaveInvitationRule validates r and creates it (r.ID 0) or replaces the
// survey's rule r.ID, recording who did it. A new rule acts on events from
// its creation on, never on the history before it.
func (s *Service) SaveInvitationRule(ctx context.Context, r *fresco.InvitationRule, actor string) error {
	v := validateRule(r)
	survey, err := s.db.Survey(ctx, r.SurveyID)
	if err != nil {
		return err
	}
	if r.LocationID != nil && *r.LocationID > 0 {
		if _, err := s.db.Location(ctx, *r.LocationID); fresco.ErrorCode(err) == fresco.ENOTFOUND {
			v.Add("location_id", "location %d does not exist", *r.LocationID)
		} else if err != nil {
			return err
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	at := s.now()
	r.UpdatedAt = at
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		action := "update"
		if r.ID == 0 {
			action, r.CreatedAt, r.CreatedBy = "create", at, actor
			if err := tx.CreateInvitationRule(ctx, r); err != nil {
				return err
			}
		} else if err := tx.UpdateInvitationRule(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, action, "invitation_rule", strconv.FormatInt(r.ID, 10),
			map[string]any{"survey": survey.Slug, "trigger": r.Trigger, "channel": r.Channel, "active": r.Active})
	})
}

// InvitationRule returns the survey's rule id (ENOTFOUND when it belongs to
// another survey).
func (s *Service) InvitationRule(ctx context.Context, surveyID, id int64) (*fresco.InvitationRule, error) {
	r, err := s.db.InvitationRule(ctx, id)
	if err == nil && r.SurveyID != surveyID {
		err = fresco.Errorf(fresco.ENOTFOUND, "survey %d has no invitation rule %d", surveyID, id)
	}
	return r, err
}

// DeleteInvitationRule removes a rule that has not invited anybody yet.
func (s *Service) DeleteInvitationRule(ctx context.Context, surveyID, id int64, actor string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteInvitationRule(ctx, surveyID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "delete", "invitation_rule", strconv.FormatInt(id, 10), nil)
	})
}

var (
	langPattern        = regexp.MustCompile(`^[a-z]{2,3}$`)
	placeholderPattern = regexp.MustCompile(`\{[^{}\s]*\}`)
)

// Placeholders are what an invitation template may say.
var Placeholders = []string{"{customer_name}", "{business}", "{survey_link}", "{purchase_date}", "{location}"}

// validateTemplate checks a survey's own invitation e-mail.
func validateTemplate(t *fresco.InvitationTemplate) error {
	var v fresco.Validation
	t.Lang, t.Subject, t.Body = strings.ToLower(strings.TrimSpace(t.Lang)), strings.TrimSpace(t.Subject), strings.TrimSpace(t.Body)
	v.Check(langPattern.MatchString(t.Lang), "lang", "must be a base language such as en, de, fr or es (got %q)", t.Lang)
	v.Text("subject", t.Subject, true, 200)
	v.Check(!strings.ContainsAny(t.Subject, "\r\n"), "subject", "must be one line")
	v.Text("body", t.Body, true, 10000)
	v.Check(strings.Contains(t.Body, "{survey_link}"), "body", "must contain {survey_link}, the customer's survey link")
	for field, text := range map[string]string{"subject": t.Subject, "body": t.Body} {
		for _, p := range placeholderPattern.FindAllString(text, -1) {
			v.Check(slices.Contains(Placeholders, p), field, "%s is not a placeholder (use %s)", p, strings.Join(Placeholders, ", "))
		}
	}
	return v.Err()
}

// SetInvitationTemplate stores the survey's invitation e-mail in a language.
func (s *Service) SetInvitationTemplate(ctx context.Context, t *fresco.InvitationTemplate, actor string) error {
	if err := validateTemplate(t); err != nil {
		return err
	}
	if _, err := s.db.Survey(ctx, t.SurveyID); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetInvitationTemplate(ctx, t); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "update", "invitation_template", strconv.FormatInt(t.SurveyID, 10)+":"+t.Lang, nil)
	})
}

// ResetInvitationTemplate goes back to the built-in e-mail for a language.
func (s *Service) ResetInvitationTemplate(ctx context.Context, surveyID int64, lang, actor string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		found, err := tx.DeleteInvitationTemplate(ctx, surveyID, lang)
		if err != nil {
			return err
		}
		if !found {
			return fresco.Errorf(fresco.ENOTFOUND, "survey %d has no invitation template in %q", surveyID, lang)
		}
		return tx.Audit(ctx, actor, "delete", "invitation_template", strconv.FormatInt(surveyID, 10)+":"+lang, nil)
	})
}

// TemplateView is a survey's invitation e-mail in one language: its own, or
// the built-in one.
type TemplateView struct {
	Lang    string
	Subject string
	Body    string
	BuiltIn bool
}

// InvitationTemplates returns the survey's invitation e-mail in every
// built-in language and in each language it has its own for.
func (s *Service) InvitationTemplates(ctx context.Context, surveyID int64) ([]TemplateView, error) {
	own, err := s.db.InvitationTemplates(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	var out []TemplateView
	for _, lang := range builtInLangs {
		d := builtInTemplates[lang]
		out = append(out, TemplateView{Lang: lang, Subject: d.subject, Body: d.body, BuiltIn: true})
	}
	for _, t := range own {
		i := slices.IndexFunc(out, func(v TemplateView) bool { return v.Lang == t.Lang })
		tv := TemplateView{Lang: t.Lang, Subject: t.Subject, Body: t.Body}
		if i < 0 {
			out = append(out, tv)
		} else {
			out[i] = tv
		}
	}
	return out, nil
}
