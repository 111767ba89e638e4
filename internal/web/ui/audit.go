package ui

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// The audit log: who changed what, newest first. Owners only (the route's
// rule): it names every employee's actions.

type auditView struct {
	Entries []fresco.AuditEntry
	Entity  string
	Action  string
	Names   map[string]string // actor → the person's or token's name
	Details map[int64]string  // entry id → its detail in words
	Links   map[int64]string  // entry id → the page of its record, when it has one
	Pager   pager
}

// AuditLog is GET /audit.
func (u *UI) AuditLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var before int64
	if c := q.Get("cursor"); c != "" {
		before, _ = strconv.ParseInt(c, 10, 64) // a bad cursor shows the first page
	}
	const perPage = 50
	v := auditView{Entity: q.Get("entity"), Action: q.Get("action")}
	entries, err := u.db.ListAuditPage(r.Context(), store.AuditFilter{Entity: v.Entity, Action: v.Action, Before: before, Limit: perPage + 1})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	next := ""
	if len(entries) > perPage {
		entries = entries[:perPage]
		next = strconv.FormatInt(entries[perPage-1].ID, 10)
	}
	v.Entries = entries
	v.Pager = pagerFor("/audit", q.Get("cursor"), next, "entity", v.Entity, "action", v.Action)
	if v.Names, err = u.actorNames(r, entries); err != nil {
		u.fail(w, r, err)
		return
	}
	v.Details, v.Links = map[int64]string{}, map[int64]string{}
	for _, e := range entries {
		v.Details[e.ID] = auditDetail(e.Detail, func(key string, id int64) (string, bool) { return u.detailName(r, v.Names, key, id) }, u.formatDateTime)
		if page, ok := recordPages[e.Entity]; ok && e.EntityID != "" && e.Action != "erase" && e.Action != "delete" {
			v.Links[e.ID] = page + e.EntityID
		}
	}
	u.render(w, r, http.StatusOK, "audit", "Audit log", v)
}

// actorNames names the people and programs behind the actors of the
// entries: "employee:5" is the employee's name, "token:3" the API token's,
// "customer:7" the customer's.
func (u *UI) actorNames(r *http.Request, entries []fresco.AuditEntry) (map[string]string, error) {
	names := map[string]string{"cli": "Command line", "cli:doctor": "fresco doctor", "fresco": "Fresco", "system": "Fresco"}
	var tokens map[int64]string // read once, when a token acted
	for _, e := range entries {
		if _, known := names[e.Actor]; known {
			continue
		}
		kind, ref, _ := strings.Cut(e.Actor, ":")
		id, err := strconv.ParseInt(ref, 10, 64)
		switch {
		case err != nil:
			names[e.Actor] = label(e.Actor)
		case kind == "employee":
			names[e.Actor] = "A former employee"
			if emp, err := u.db.Employee(r.Context(), id); err == nil {
				names[e.Actor] = emp.Name
			}
		case kind == "customer": // from a link in their e-mail (package prefs)
			names[e.Actor] = "The customer"
			if c, err := u.db.Customer(r.Context(), id); err == nil {
				names[e.Actor] = customerName(c) + " (the customer)"
			}
		case kind == "token":
			if tokens == nil {
				if tokens, err = u.tokenNames(r); err != nil {
					return nil, err
				}
			}
			names[e.Actor] = "A deleted API token"
			if name, ok := tokens[id]; ok {
				names[e.Actor] = fmt.Sprintf("API token %q", name)
			}
		default:
			names[e.Actor] = label(kind)
		}
	}
	return names, nil
}

// recordPages are where a record the audit log names can be opened, by its
// kind; an erased or deleted record has no page left to open.
var recordPages = map[string]string{"case": "/cases/", "customer": "/customers/", "employee": "/employees/",
	"follow_up": "/followups/", "goal": "/goals/", "process_map": "/process-maps/"}

// employeeKeys are the details that hold an employee's id.
var employeeKeys = map[string]bool{"assignee_id": true, "owner_id": true, "employee_id": true, "from_owner_id": true,
	"to_owner_id": true, "requested_by_employee": true, "decided_by_employee": true}

func (u *UI) tokenNames(r *http.Request) (map[int64]string, error) {
	list, err := u.db.ListAPITokens(r.Context())
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(list))
	for _, t := range list {
		names[t.ID] = t.Name
	}
	return names, nil
}

// detailName names the employee or customer a detail's key refers to by
// id, through the same cache as the actors; ok is false for any other key.
// An erased customer reads as erased (their name is gone), never as the
// database number.
func (u *UI) detailName(r *http.Request, names map[string]string, key string, id int64) (name string, ok bool) {
	var ref string
	var lookup func() string
	switch {
	case employeeKeys[key]:
		ref = fmt.Sprintf("employee:%d", id)
		lookup = func() string {
			if emp, err := u.db.Employee(r.Context(), id); err == nil {
				return emp.Name
			}
			return "A former employee"
		}
	case strings.HasSuffix(key, "customer_id"):
		ref = fmt.Sprintf("customer-record:%d", id) // not "customer:", the actor's "(the customer)"
		lookup = func() string {
			if c, err := u.db.Customer(r.Context(), id); err == nil {
				return customerName(c)
			}
			return "A deleted customer"
		}
	default:
		return "", false
	}
	if _, cached := names[ref]; !cached {
		names[ref] = lookup()
	}
	return names[ref], true
}

// auditDetail is an entry's detail for people: "Root cause: waiting time ·
// Why it happened: Hiring", each key and code in words, an employee or a
// customer by name (name answers for the keys that hold one's id); a
// detail that is not a JSON object is shown as it is.
func auditDetail(raw []byte, name func(key string, id int64) (string, bool), when func(any) string) string {
	var fields map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &fields) != nil {
		return string(raw)
	}
	return detailFields(fields, name, when)
}

func detailFields(fields map[string]any, name func(key string, id int64) (string, bool), when func(any) string) string {
	parts := make([]string, 0, len(fields))
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if empty(fields[k]) {
			continue // "Incident: ()" and "Product category: " say nothing
		}
		var v any
		switch x := fields[k].(type) {
		case string:
			v = x
			if when := stampWords(x, when); when != x {
				v = when
			} else if !strings.Contains(x, " ") && !isAddress(x) { // a code, not words or an address
				v = label(x)
			}
		case float64:
			v = x
			if n, ok := name(k, int64(x)); ok {
				v = n
			}
		case bool: // "Sensitive: No", not Go's "false"
			v = "No"
			if x {
				v = "Yes"
			}
		case map[string]any:
			v = "(" + detailFields(x, name, when) + ")"
		case []any:
			items := make([]string, len(x))
			for i, item := range x {
				items[i] = fmt.Sprint(item)
				if s, ok := item.(string); ok {
					items[i] = label(s)
				}
			}
			v = strings.Join(items, ", ")
		default:
			v = x
		}
		parts = append(parts, fmt.Sprintf("%s: %v", label(strings.TrimSuffix(k, "_id")), v))
	}
	return strings.Join(parts, " · ")
}

// empty reports whether a detail's value holds nothing to show: null, "",
// an empty list, or an object of empty values.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, item := range x {
			if !empty(item) {
				return false
			}
		}
		return true
	}
	return false
}

// isAddress reports whether s reads as an e-mail address (a reply's
// recipient), which a detail shows as it is: a domain with a dot after the
// @, unlike an SLA clock's key (first_response@1769895574).
func isAddress(s string) bool {
	_, domain, ok := strings.Cut(s, "@")
	return ok && strings.Contains(domain, ".")
}
