package ui

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// The survey page's "Sent by itself" section: the survey's invitation
// rules, what they did, and its invitation e-mail per language.

type inviteView struct {
	Rules     []inviteRuleRow
	Counts    fresco.InvitationCounts
	Rate      *stats.Proportion
	Skipped   []skipCount
	Templates []feedback.TemplateView
	Locations []fbOption
}

// skipCount is how many invitations were skipped for one reason.
type skipCount struct {
	Reason string
	N      int
}

// skipWords say why invitations were skipped.
var skipWords = map[string]string{fresco.SkipNoConsent: "no consent to surveys", fresco.SkipContacted: "asked recently (contact-frequency rule)",
	fresco.SkipNoAddress: "no address", fresco.SkipAddressBounced: "address bounced", fresco.SkipRuleInactive: "rule switched off",
	fresco.SkipSurveyArchived: "survey archived"}

func skipCounts(m map[string]int) []skipCount {
	var out []skipCount
	for _, reason := range slices.Sorted(maps.Keys(m)) {
		w, ok := skipWords[reason]
		if !ok {
			w = reason
		}
		out = append(out, skipCount{Reason: w, N: m[reason]})
	}
	return out
}

type inviteRuleRow struct {
	*fresco.InvitationRule
	When string // "7 days after a purchase at Harbour Street (store)"
}

var triggerWords = map[string]string{fresco.TriggerPurchase: "a purchase", fresco.TriggerCaseClosed: "a case is closed",
	fresco.TriggerCallDone: "a follow-up call is done"}

// inviteSection reads what the section shows.
func (u *UI) inviteSection(r *http.Request, surveyID int64) (*inviteView, error) {
	ctx := r.Context()
	v := &inviteView{}
	rules, err := u.db.InvitationRules(ctx, surveyID)
	if err != nil {
		return nil, err
	}
	locs, _, err := u.db.ListLocations(ctx, store.LocationFilter{Limit: 500})
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, l := range locs {
		names[l.ID] = l.Name
		v.Locations = append(v.Locations, fbOption{Value: strconv.FormatInt(l.ID, 10), Label: l.Name})
	}
	for _, rule := range rules {
		v.Rules = append(v.Rules, inviteRuleRow{InvitationRule: rule, When: ruleWhen(rule, names)})
	}
	if v.Counts, v.Rate, err = u.feedback.SurveyInvitations(ctx, surveyID, time.Time{}, time.Time{}); err != nil {
		return nil, err
	}
	v.Skipped = skipCounts(v.Counts.Skipped)
	v.Templates, err = u.feedback.InvitationTemplates(ctx, surveyID)
	return v, err
}

func ruleWhen(r *fresco.InvitationRule, locations map[int64]string) string {
	delay := fmt.Sprintf("%d hours", r.DelayHours)
	switch {
	case r.DelayHours == 0:
		delay = "At once"
	case r.DelayHours%24 == 0 && r.DelayHours == 24:
		delay = "1 day"
	case r.DelayHours%24 == 0:
		delay = fmt.Sprintf("%d days", r.DelayHours/24)
	}
	if r.DelayHours > 0 {
		delay += " after"
	} else {
		delay += " when"
	}
	s := delay + " " + triggerWords[r.Trigger]
	if r.LocationID != nil {
		s += " at " + locations[*r.LocationID]
	}
	if r.PurchaseChannel != "" {
		s += " (" + r.PurchaseChannel + ")"
	}
	return s
}

// FeedbackAddInvitationRule is POST /feedback/surveys/{id}/invitation-rules.
func (u *UI) FeedbackAddInvitationRule(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	f := r.PostForm
	rule := &fresco.InvitationRule{SurveyID: id, Trigger: f.Get("trigger"), PurchaseChannel: f.Get("purchase_channel"),
		Channel: f.Get("channel"), QuietStart: f.Get("quiet_start"), QuietEnd: f.Get("quiet_end"), Active: true}
	var v fresco.Validation
	if loc := f.Get("location_id"); loc != "" {
		n, err := strconv.ParseInt(loc, 10, 64)
		v.Check(err == nil, "location_id", "choose a location from the list")
		rule.LocationID = &n
	}
	delay := formInt(&v, f.Get("delay"), "delay_hours")
	if f.Get("delay_unit") != "hours" {
		delay *= 24
	}
	rule.DelayHours = delay
	rule.ReminderDays = formInt(&v, f.Get("reminder_days"), "reminder_days")
	err := v.Err()
	if err == nil {
		err = u.feedback.SaveInvitationRule(r.Context(), rule, viewerFrom(r.Context()).actor())
	}
	u.inviteDone(w, r, id, err, "invitation-rule-added")
}

// formInt reads a whole number from a form field ("" is 0).
func formInt(v *fresco.Validation, s, field string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	v.Check(err == nil, field, "must be a whole number (got %q)", s)
	return n
}

// FeedbackSwitchInvitationRule is POST
// /feedback/surveys/{id}/invitation-rules/{rule}: active=1 switches the
// rule on, active=0 off.
func (u *UI) FeedbackSwitchInvitationRule(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	ruleID, err := strconv.ParseInt(r.PathValue("rule"), 10, 64)
	if err != nil {
		u.NotFound(w, r)
		return
	}
	rule, err := u.feedback.InvitationRule(r.Context(), id, ruleID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	rule.Active = r.PostForm.Get("active") == "1"
	err = u.feedback.SaveInvitationRule(r.Context(), rule, viewerFrom(r.Context()).actor())
	u.inviteDone(w, r, id, err, "invitation-rule-saved")
}

// FeedbackSaveInvitationTemplate is POST
// /feedback/surveys/{id}/invitation-templates: the survey's own e-mail in a
// language, or reset=1 to go back to the built-in one.
func (u *UI) FeedbackSaveInvitationTemplate(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	f, ctx := r.PostForm, r.Context()
	actor := viewerFrom(ctx).actor()
	var err error
	if f.Get("reset") == "1" {
		err = u.feedback.ResetInvitationTemplate(ctx, id, f.Get("lang"), actor)
	} else {
		err = u.feedback.SetInvitationTemplate(ctx, &fresco.InvitationTemplate{SurveyID: id, Lang: f.Get("lang"),
			Subject: f.Get("subject"), Body: f.Get("body")}, actor)
	}
	u.inviteDone(w, r, id, err, "invitation-template-saved")
}

// inviteDone redirects to the survey page after a change, or shows it
// again with what to correct.
func (u *UI) inviteDone(w http.ResponseWriter, r *http.Request, surveyID int64, err error, done string) {
	switch fresco.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/feedback/surveys/%d?done=%s#invitations", surveyID, done), http.StatusSeeOther)
	case fresco.EINVALID, fresco.ECONFLICT:
		sv, ok := u.surveyOfPage(w, r)
		if !ok {
			return
		}
		view := surveyEditView{Survey: sv, Ticked: map[string]bool{}, InviteError: inviteErrors(err)}
		for _, q := range sv.Questions {
			view.Rows = append(view.Rows, questionRow{Question: q, Kind: questionKind(q)})
		}
		u.renderSurveyEdit(w, r, http.StatusUnprocessableEntity, view)
	default:
		u.fail(w, r, err)
	}
}

var inviteFieldNames = map[string]string{"trigger": "When", "location_id": "Location", "purchase_channel": "Channel of the purchase",
	"delay_hours": "Delay", "channel": "Send by", "reminder_days": "Reminder", "quiet_start": "Quiet from", "quiet_end": "Quiet until",
	"lang": "Language", "subject": "Subject", "body": "Text"}

func inviteErrors(err error) string {
	fields := fresco.ErrorFields(err)
	if len(fields) == 0 {
		return sentence(fresco.ErrorMessage(err))
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		name, ok := inviteFieldNames[f.Field]
		if !ok {
			name = f.Field
		}
		parts[i] = name + ": " + f.Message
	}
	return sentence(strings.Join(parts, "; "))
}
