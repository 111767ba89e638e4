package ui

// Labels: the one place where a code that Fresco stores — a follow-up's
// reason, a channel, a listening post, a case state, a gesture, an audit
// action — becomes the words a manager uses. The API and the forms exchange
// the codes (a form keeps the code as the option's value); only the page
// shows words. Statistical terms get a plain explanation on hover (term).

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/notify"
)

// labelGroups are the codes that reach a page, by what they name. A code
// means the same in every group it appears in (init checks), so one lookup
// serves every page.
var labelGroups = map[string]map[string]string{
	"follow-up reason": {
		"detractor":        "Would not recommend us (NPS 0–6)",
		"csat_low":         "Unhappy with satisfaction (CSAT 1–2)",
		"low_csat":         "Unhappy with satisfaction (CSAT 1–2)",
		"complaint":        "Complaint",
		"negative_comment": "Negative comment",
		"praise":           "Praise",
	},
	"scorecard measure": { // package rewards
		"recovered":            "Customers recovered",
		"promoters_after_case": "Promoters after a case",
		"followups_in_time":    "Follow-ups closed in time",
		"retention":            "Customers who came back",
		"kind_words":           "Kind words",
	},
	"reward verdict": {
		"met":       "Met",
		"not_met":   "Not met",
		"cant_tell": "Can't tell yet",
	},
	"preference note": { // package anticipate
		"likes":         "Likes",
		"dislikes":      "Dislikes",
		"timing":        "When to reach them",
		"dietary":       "Diet and allergies",
		"accessibility": "Accessibility",
		"other":         "Other",
		"told_us":       "They told us",
		"observed":      "We noticed",
		"health":        "Health",
		"family":        "Family",
	},
	"next best action": { // package anticipate
		"case_returning": "Back with a case open",
		"rhythm_broken":  "Stopped coming",
		"replenishment":  "Due to buy again",
		"promoter":       "Promoter who hasn't referred",
		"milestone":      "Milestone",
		"dismissed":      "Dismissed",
		"done":           "Done",
	},
	"nomination source": {
		"peer":     "Colleague",
		"customer": "Customer",
	},
	"recognition": {
		"nomination": "Nominated",
	},
	"contact channel": {
		"phone":     "Phone",
		"email":     "E-mail",
		"in_person": "In person",
		"sms":       "Text message",
		"chat":      "Chat",
		"letter":    "Letter",
		"other":     "Other",
		"link":      "Survey link",
	},
	"purchase channel": {
		"store": "In store",
		"web":   "Online",
	},
	"listening post": {
		"web_form":          "Website form",
		"survey":            "Survey",
		"satisfaction_card": "Satisfaction card",
		"follow_up_call":    "Follow-up call",
		"ordering_process":  "Ordering process",
		"audit":             "Audit",
		"market_research":   "Market research",
		"focus_group":       "Focus group",
		"email":             "E-mail",
	},
	"state": {
		"open":                "Open",
		"resolved":            "Resolved",
		"closed":              "Closed",
		"merged":              "Merged",
		"waiting_on_customer": "Waiting on the customer",
		"on_hold":             "On hold",
		"pending":             "Pending",
		"done":                "Done",
		"no_answer":           "No answer",
		"declined":            "Declined",
		"skipped":             "Skipped",
	},
	"SLA": {
		"running":  "On time",
		"paused":   "Paused",
		"met":      "Met",
		"warning":  "Due soon",
		"breached": "Late",
	},
	"gesture": {
		"apology_letter":   "Apology letter",
		"coupon":           "Coupon",
		"free_item":        "Free item",
		"service_credit":   "Service credit",
		"refund":           "Refund",
		"upgrade":          "Upgrade",
		"granted":          "Granted",
		"pending_approval": "Waiting for approval",
		"rejected":         "Rejected",
	},
	"case task": {
		"callback":       "Call back",
		"follow_through": "Check it stayed fixed",
		"resurvey":       "Ask again",
		"solved":         "Solved",
		"not_solved":     "Not solved",
	},
	"root cause": {
		"selection":       "Hiring",
		"support_systems": "Tools and systems",
		"training":        "Training",
		"latitude":        "Freedom to act",
		"recognition":     "Recognition",
		"none":            "None",
	},
	"segment": {
		"anonymous":           "Anonymous",
		"new":                 "New",
		"repeat":              "Repeat customer",
		"champions":           "Champions",
		"loyal":               "Loyal",
		"potential loyalists": "Potential loyalists",
		"at risk":             "At risk",
		"can't lose them":     "Can't lose them",
		"hibernating":         "Hibernating",
		"lost":                "Lost",
		"mercenary":           "Mercenaries",
		"apostle":             "Apostles",
	},
	"ranking": {
		"insufficient n": "Too few answers to compare fairly",
	},
	"sentiment": {
		"negative": "Negative",
		"neutral":  "Neutral",
		"positive": "Positive",
	},
	"question type": {
		"nps":                "Would recommend (0–10)",
		"csat":               "Satisfaction (1–5)",
		"ces":                "Ease (1–7)",
		"rating":             "Rating (1–5)",
		"single_choice":      "One choice",
		"multiple_choice":    "Several choices",
		"text":               "Free text",
		"acquisition_source": "How they heard of us",
		"process_quality":    "Process quality (1–5)",
		"value":              "Value for money (1–5)",
	},
	"survey item": {
		"dependability":     "Dependability",
		"responsiveness":    "Responsiveness",
		"authority":         "Authority to help",
		"empathy":           "Empathy",
		"tangible_evidence": "What customers can see (premises, appearance)",
		"results":           "Results",
		"price":             "Price",
		"access_costs":      "Effort of getting to us",
	},
	"suggestions withheld": { // package suggestions: why a customer is suggested nothing
		"no_consent": "Not shown: the customer has not agreed to personalised suggestions.",
		"opted_out":  "Not shown: the customer asked not to receive suggestions.",
		"open_case":  "Not shown while the customer has a complaint that is not closed.",
		"erased":     "Not shown: the customer's personal data was erased.",
		"no_model":   "Not trained yet: suggestions appear after the nightly training.",
	},
	"suggestions audit": { // package suggestions' audit actions and entities
		"product.sensitive":            "Product marked sensitive or cleared",
		"category.sensitive":           "Category marked sensitive or cleared",
		"customer.suggestions_opt_out": "Opted out of suggestions",
		"customer.suggestions_opt_in":  "Opted back in to suggestions",
		"suggestions.retrain":          "Suggestions retrained",
		"category":                     "Product category",
	},
	"audit": {
		"create":                  "Created",
		"update":                  "Changed",
		"delete":                  "Deleted",
		"erase":                   "Erased (personal data removed)",
		"rollback":                "Rolled back",
		"refit":                   "Lifetime value recalculated",
		"case":                    "Case",
		"customer":                "Customer",
		"employee":                "Employee",
		"webhook":                 "Webhook",
		"job":                     "Background job",
		"marketing_spend":         "Marketing spend",
		"feedback_category":       "Comment category",
		"feedback_categories":     "Comment categories",
		"feedback_classifier":     "Comment classifier",
		"listening_post":          "Listening post",
		"authority_limit":         "Approval limit",
		"authority_limit.set":     "Approval limit set",
		"sla_policy":              "Response-time targets",
		"sla_policy.set":          "Response-time targets set",
		"api_token":               "API token",
		"case.merged_from":        "Case merged into this one",
		"case.gesture_approved":   "Gesture approved",
		"case.opened":             "Case opened",
		"case.closed":             "Case closed",
		"case.reopened":           "Case reopened",
		"case.resolved":           "Case resolved",
		"case.merged":             "Case merged",
		"case.note":               "Note added",
		"case.task_created":       "Task added",
		"case.task_completed":     "Task done",
		"case.callback_scheduled": "Call back planned",
		"case.gesture_requested":  "Gesture asked for",
		"case.gesture_granted":    "Gesture given",
		"case.gesture_rejected":   "Gesture turned down",
		"case.transferred":        "Case handed over",
		"case.escalated":          "Case escalated",
		"case.employee_involved":  "Employee involved",
		"case.hold_started":       "Case put on hold",
		"case.hold_ended":         "Hold ended",
		"case.recurrence_alert":   "Same problem again",
		"case.state_changed":      "Case status changed",
		"case.agent_responded":    "Replied to the customer",
		"case.customer_replied":   "Customer replied",
		"case.reply_sent":         "E-mailed the customer",
		"case.message_received":   "Customer wrote",
		"reply_template":          "Reply template",
		"reply_template.created":  "Reply template added",
		"reply_template.updated":  "Reply template changed",
		"reply_template.deleted":  "Reply template deleted",
		"root_cause_category":     "Root cause",
		"root_cause_source":       "Why it happened",
		"assignee":                "Assigned to",
		"due_at":                  "Due",
		"kind":                    "Kind",
		"slug":                    "Web address name",
		"count":                   "How many",
		"why":                     "Why",
		"previous_score":          "Score before",
		"follow_through_outcome":  "Stayed fixed?",
	},
	// Who did something when it was not an employee or a token (actorName
	// names those): the recorded actor of a categorisation, an answer.
	"actor": {
		"system":   "Fresco",
		"staff":    "Staff",
		"model":    "The comment classifier",
		"keywords": "The comment classifier",
		"customer": "Customer",
		"widget":   "The widget on your site",
		"demo":     "Sample data",
	},
	"notification": {
		notify.EventDetractor:       "Unhappy customer",
		notify.EventCSATLow:         "Unhappy customer",
		notify.EventComplaint:       "Complaint",
		notify.EventPraise:          "Kind words",
		notify.EventFollowUpOpened:  "New follow-up",
		notify.EventFollowUpClosed:  "Follow-up closed",
		notify.EventFollowUpOverdue: "Follow-up overdue",
		notify.EventDigest:          "Daily check: satisfied but leaving",
		notify.EventThemeGrowing:    "A comment theme is growing",
		notify.EventGoalsDigest:     "This week's goals",
		"case.approval_needed":      "Approval needed",
		"case.approved":             "Gesture approved",
		"case.rejected":             "Gesture rejected",
		"case.sla_warning":          "Case due soon",
		"case.sla_breached":         "Case past its deadline",
		"case.breach":               "Case past its deadline",
	},
}

// labels is labelGroups flattened: code → words.
var labels = flattenLabels(labelGroups)

func flattenLabels(groups map[string]map[string]string) map[string]string {
	out := map[string]string{}
	for group, codes := range groups {
		for code, words := range codes {
			if was, ok := out[code]; ok && was != words {
				panic(fmt.Sprintf("ui: code %q is %q in one group and %q in %s", code, was, words, group))
			}
			out[code] = words
		}
	}
	return out
}

// label is a stored code in words: "in_person" → "In person". A code
// without a label still reads as words ("case.task_due" → "Case: task
// due"), never as a code.
func label(code string) string {
	if w, ok := labels[code]; ok {
		return w
	}
	if kind, rest, ok := strings.Cut(code, "."); ok {
		return label(kind) + ": " + codeWords(strings.ReplaceAll(rest, ".", " "))
	}
	w := codeWords(code)
	if w == "" {
		return ""
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// codeWords writes a stored code for people: "waiting_on_customer" becomes
// "waiting on customer"; label prefers a code's own words.
func codeWords(code string) string { return strings.ReplaceAll(code, "_", " ") }

// reasonWords are a follow-up's reasons in words, in sentence order.
func reasonWords(reasons []string) string {
	words := make([]string, len(reasons))
	for i, r := range reasons {
		words[i] = label(r)
	}
	return strings.Join(words, "; ")
}

// stampWords is a time stored as text in an event (RFC 3339) as the pages
// write times; text that is not a time stays as it is.
func stampWords(s string, when func(any) string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return when(t)
}

// A term is a statistical term a page uses, with what it means in one line.
type term struct {
	Show    string // what the page says
	Explain string // the hover text
}

// terms are the statistics the pages show, each with what it means for the
// business, not how it is computed.
// stillBuying is what P(alive) means to a manager.
const stillBuying = "Chance this customer still buys from you, judged from how often and how recently they bought"

var terms = map[string]term{
	"nps":          {"NPS", "Net Promoter Score: the share who would recommend you (9–10) minus the share who would not (0–6), from −100 to 100"},
	"csat":         {"CSAT", "Customer satisfaction: answers on a 1–5 scale; 4 or 5 counts as satisfied"},
	"clv":          {"CLV", "Customer lifetime value: what a customer is predicted to spend with you over the coming years, in today's money"},
	"still_buying": {"chance they still buy", stillBuying},
	"p_alive":      {"Chance still buying", stillBuying},
	"interval":     {"likely range", "The true figure lies in this range 95 times in 100; fewer answers give a wider range"},
	"correlation":  {"link strength (r)", "How closely two measures rise and fall together across units and periods, from −1 to 1; 0 is no link. It does not show that one causes the other"},
	"rfm":          {"recency, frequency and spend", "Customers grouped by how recently they bought, how often, and how much they spent, each scored 1–5 against the others"},
	"spearman":     {"Link to NPS", "How strongly this item moves with the recommend score, from −1 to 1; 0 is no link"},
	"pearson":      {"Straight-line link", "How closely this item and the recommend score rise together in a straight line, from −1 to 1, with its likely range"},
	"n":            {"answers", "How many answers the figure is based on"},
	"expected":     {"Expected purchases", "How many purchases the customer is predicted to make over the same years as the predicted value"},
	"flag":         {"group", "Customers picked out by their behaviour across segments; they also count in a segment above"},
}

// termHTML is a term for a page: its words, with the explanation on hover.
func termHTML(key string) (template.HTML, error) {
	t, ok := terms[key]
	if !ok {
		return "", fmt.Errorf("ui: no term %q", key)
	}
	return template.HTML(fmt.Sprintf(`<abbr title="%s">%s</abbr>`,
		template.HTMLEscapeString(t.Explain), template.HTMLEscapeString(t.Show))), nil
}

// labelFuncs are the template functions of this file.
func labelFuncs() template.FuncMap {
	return template.FuncMap{
		"label":   label,
		"words":   label,
		"term":    termHTML,
		"reasons": reasonWords,
	}
}
