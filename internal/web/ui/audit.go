package ui

import (
	"net/http"
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
	u.render(w, r, http.StatusOK, "audit", "Audit log", v)
}

// actorNames names the employees behind "employee:ID" actors.
func (u *UI) actorNames(r *http.Request, entries []fresco.AuditEntry) (map[string]string, error) {
	names := map[string]string{"cli": "Command line", "cli:doctor": "fresco doctor", "fresco": "Fresco"}
	for _, e := range entries {
		if _, known := names[e.Actor]; known {
			continue
		}
		ref, isEmployee := strings.CutPrefix(e.Actor, "employee:")
		id, err := strconv.ParseInt(ref, 10, 64)
		if !isEmployee || err != nil {
			continue
		}
		emp, err := u.db.Employee(r.Context(), id)
		if err != nil {
			continue // an actor that is gone keeps its code
		}
		names[e.Actor] = emp.Name
	}
	return names, nil
}
