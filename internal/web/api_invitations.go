package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
)

// Survey invitations that send themselves: a survey's rules, its own
// invitation e-mails per language, what the rules did.

// InvitationRuleIO is an invitation rule.
type InvitationRuleIO struct {
	ID              int64      `json:"id,omitempty" readOnly:"true"`
	SurveyID        int64      `json:"survey_id,omitempty" readOnly:"true"`
	Trigger         string     `json:"trigger" doc:"purchase, case_closed or call_done: the recorded event after which the invitation goes."`
	LocationID      *int64     `json:"location_id,omitempty" doc:"Purchase trigger only: only purchases at this location."`
	PurchaseChannel string     `json:"purchase_channel,omitempty" doc:"Purchase trigger only: only purchases through this channel (e.g. store, web)."`
	DelayDays       int        `json:"delay_days,omitempty" minimum:"0" doc:"The delay after the event is delay_days days plus delay_hours hours (at most 366 days)."`
	DelayHours      int        `json:"delay_hours,omitempty" minimum:"0"`
	Channel         string     `json:"channel" doc:"email or sms."`
	ReminderDays    int        `json:"reminder_days,omitempty" doc:"One reminder this many days after an unanswered invitation; 0: none (at most 30)."`
	QuietStart      string     `json:"quiet_start,omitempty" doc:"Quiet hours in the business's time zone, e.g. 21:00 to 08:00: an invitation due inside goes at their end. Both or neither."`
	QuietEnd        string     `json:"quiet_end,omitempty"`
	Active          *bool      `json:"active,omitempty" doc:"Default true. An inactive rule schedules nothing, and its pending invitations are skipped (rule_inactive)."`
	CreatedAt       *time.Time `json:"created_at,omitempty" readOnly:"true" doc:"The rule acts on events from this time on."`
}

func ruleOut(r *fresco.InvitationRule) InvitationRuleIO {
	active, created := r.Active, r.CreatedAt
	return InvitationRuleIO{ID: r.ID, SurveyID: r.SurveyID, Trigger: r.Trigger, LocationID: r.LocationID, PurchaseChannel: r.PurchaseChannel,
		DelayDays: r.DelayHours / 24, DelayHours: r.DelayHours % 24, Channel: r.Channel, ReminderDays: r.ReminderDays,
		QuietStart: r.QuietStart, QuietEnd: r.QuietEnd, Active: &active, CreatedAt: &created}
}

func (in InvitationRuleIO) apply(r *fresco.InvitationRule) {
	r.Trigger, r.LocationID, r.PurchaseChannel = in.Trigger, in.LocationID, in.PurchaseChannel
	r.DelayHours, r.Channel, r.ReminderDays = in.DelayDays*24+in.DelayHours, in.Channel, in.ReminderDays
	r.QuietStart, r.QuietEnd = in.QuietStart, in.QuietEnd
	r.Active = in.Active == nil || *in.Active
}

// InvitationCountsOut is what invitation rules did in a period.
type InvitationCountsOut struct {
	Sent         int               `json:"sent"`
	Skipped      map[string]int    `json:"skipped" doc:"By reason: no_consent, contacted (the contact-frequency rule), no_address, address_bounced, rule_inactive, survey_archived."`
	Opened       int               `json:"opened" doc:"Of those sent, the survey form was viewed."`
	Answered     int               `json:"answered"`
	ResponseRate *stats.Proportion `json:"response_rate" doc:"answered / sent with its 95% interval; null when none was sent."`
}

func invitationCountsOut(c fresco.InvitationCounts, rate *stats.Proportion) InvitationCountsOut {
	if c.Skipped == nil {
		c.Skipped = map[string]int{}
	}
	return InvitationCountsOut{Sent: c.Sent, Skipped: c.Skipped, Opened: c.Opened, Answered: c.Answered, ResponseRate: rate}
}

// InvitationRulesOut is a survey's rules with what they did.
type InvitationRulesOut struct {
	Items       []InvitationRuleIO  `json:"items"`
	Invitations InvitationCountsOut `json:"invitations" doc:"All the survey's rules together, over the invitations due in the period."`
}

func (s *Server) listInvitationRules(ctx context.Context, in *struct {
	IDParam
	From string `query:"from"`
	To   string `query:"to"`
}) (*One[InvitationRulesOut], error) {
	var v fresco.Validation
	from, to := parseTimeParam(&v, "from", in.From, false), parseTimeParam(&v, "to", in.To, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.db.Survey(ctx, in.ID); err != nil {
		return nil, err
	}
	rules, err := s.db.InvitationRules(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	counts, rate, err := s.feedback.SurveyInvitations(ctx, in.ID, from, to)
	if err != nil {
		return nil, err
	}
	out := InvitationRulesOut{Items: make([]InvitationRuleIO, len(rules)), Invitations: invitationCountsOut(counts, rate)}
	for i, r := range rules {
		out.Items[i] = ruleOut(r)
	}
	return &One[InvitationRulesOut]{Body: out}, nil
}

func (s *Server) createInvitationRule(ctx context.Context, in *struct {
	IDParam
	Body InvitationRuleIO
}) (*Created[InvitationRuleIO], error) {
	r := &fresco.InvitationRule{SurveyID: in.ID}
	in.Body.apply(r)
	if err := s.feedback.SaveInvitationRule(ctx, r, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return &Created[InvitationRuleIO]{Location: fmt.Sprintf("%s/invitation-rules/%d", apiPrefix, r.ID), Body: ruleOut(r)}, nil
}

func (s *Server) updateInvitationRule(ctx context.Context, in *struct {
	IDParam
	Body InvitationRuleIO
}) (*One[InvitationRuleIO], error) {
	r, err := s.db.InvitationRule(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	in.Body.apply(r)
	if err := s.feedback.SaveInvitationRule(ctx, r, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return &One[InvitationRuleIO]{Body: ruleOut(r)}, nil
}

func (s *Server) deleteInvitationRule(ctx context.Context, in *IDParam) (*struct{}, error) {
	r, err := s.db.InvitationRule(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return nil, s.feedback.DeleteInvitationRule(ctx, r.SurveyID, r.ID, principal(ctx).Actor())
}

// InvitationTemplateIO is a survey's invitation e-mail in one language.
type InvitationTemplateIO struct {
	Lang    string `json:"lang" doc:"A base language: en, de, fr, es or another two- or three-letter code."`
	Subject string `json:"subject"`
	Body    string `json:"body" doc:"Plain text with placeholders {customer_name}, {business}, {survey_link} (required), {purchase_date}, {location}."`
	BuiltIn bool   `json:"built_in,omitempty" readOnly:"true" doc:"Fresco's own text: the survey has none of its own in this language."`
}

func (s *Server) listInvitationTemplates(ctx context.Context, in *IDParam) (*One[ItemList[InvitationTemplateIO]], error) {
	if _, err := s.db.Survey(ctx, in.ID); err != nil {
		return nil, err
	}
	list, err := s.feedback.InvitationTemplates(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := make([]InvitationTemplateIO, len(list))
	for i, t := range list {
		out[i] = InvitationTemplateIO(t)
	}
	return &One[ItemList[InvitationTemplateIO]]{Body: ItemList[InvitationTemplateIO]{Items: out}}, nil
}

func (s *Server) setInvitationTemplate(ctx context.Context, in *struct {
	IDParam
	Body InvitationTemplateIO
}) (*One[InvitationTemplateIO], error) {
	t := &fresco.InvitationTemplate{SurveyID: in.ID, Lang: in.Body.Lang, Subject: in.Body.Subject, Body: in.Body.Body}
	if err := s.feedback.SetInvitationTemplate(ctx, t, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return &One[InvitationTemplateIO]{Body: InvitationTemplateIO{Lang: t.Lang, Subject: t.Subject, Body: t.Body}}, nil
}

func (s *Server) resetInvitationTemplate(ctx context.Context, in *struct {
	IDParam
	Body struct {
		Lang string `json:"lang" doc:"The language whose own e-mail to remove; the built-in one (if any) is used again."`
	}
}) (*struct{}, error) {
	if _, err := s.db.Survey(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, s.feedback.ResetInvitationTemplate(ctx, in.ID, in.Body.Lang, principal(ctx).Actor())
}

// InvitationSendOut is one invitation a rule made.
type InvitationSendOut struct {
	ID             int64      `json:"id"`
	RuleID         int64      `json:"rule_id"`
	Trigger        string     `json:"trigger"`
	TriggerID      int64      `json:"trigger_id" doc:"The purchase, case or call task."`
	CustomerID     int64      `json:"customer_id"`
	DueAt          time.Time  `json:"due_at"`
	Status         string     `json:"status" doc:"pending, sent or skipped."`
	SkipReason     string     `json:"skip_reason,omitempty"`
	SkipDetail     string     `json:"skip_detail,omitempty" doc:"e.g. contacted on 2026-11-30."`
	InvitationID   *int64     `json:"invitation_id,omitempty"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
	RemindAt       *time.Time `json:"remind_at,omitempty"`
	ReminderStatus string     `json:"reminder_status,omitempty" doc:"due, sent, answered (none needed) or skipped."`
}

func (s *Server) listInvitationSends(ctx context.Context, in *struct {
	IDParam
	Limit int `query:"limit" minimum:"0" maximum:"500" doc:"Newest first; default 100."`
}) (*One[ItemList[InvitationSendOut]], error) {
	if _, err := s.db.Survey(ctx, in.ID); err != nil {
		return nil, err
	}
	limit := in.Limit
	if limit == 0 {
		limit = 100
	}
	list, err := s.db.InvitationSends(ctx, in.ID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]InvitationSendOut, len(list))
	for i, x := range list {
		out[i] = InvitationSendOut{ID: x.ID, RuleID: x.RuleID, Trigger: x.Trigger, TriggerID: x.TriggerID, CustomerID: x.CustomerID,
			DueAt: x.DueAt, Status: x.Status, SkipReason: x.SkipReason, SkipDetail: x.SkipDetail, InvitationID: x.InvitationID,
			SentAt: x.SentAt, RemindAt: x.RemindAt, ReminderStatus: x.ReminderStatus}
	}
	return &One[ItemList[InvitationSendOut]]{Body: ItemList[InvitationSendOut]{Items: out}}, nil
}

func (s *Server) sweepInvitations(ctx context.Context, in *struct{}) (*One[feedback.InvitationSweep], error) {
	res, err := s.feedback.SweepInvitations(ctx)
	if err != nil {
		return nil, err
	}
	return &One[feedback.InvitationSweep]{Body: res}, nil
}
