package portable

import (
	"context"
	"slices"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// customerTables select one customer's rows from every table that holds
// them: what the customer bought, said, was asked, what staff did about
// it, whom they nominated, and the e-mail between them and the business.
var customerTables = []table{
	{name: "customers", orderBy: "id", where: "id = ?"},
	{name: "purchases", orderBy: "id", where: "customer_id = ?"},
	{name: "purchase_lines", orderBy: "purchase_id, line_no", where: "purchase_id IN (SELECT id FROM purchases WHERE customer_id = ?)"},
	{name: "survey_invitations", orderBy: "id", where: "customer_id = ?"},
	{name: "invitation_sends", orderBy: "id", where: "customer_id = ?"},
	{name: "customer_contacts", orderBy: "id", where: "customer_id = ?"},
	{name: "responses", orderBy: "id", where: "customer_id = ?"},
	{name: "response_answers", orderBy: "response_id, position", where: "response_id IN (SELECT id FROM responses WHERE customer_id = ?)"},
	{name: "call_tasks", orderBy: "id", where: "customer_id = ?"},
	{name: "follow_ups", orderBy: "id", where: "customer_id = ?"},
	{name: "recovery_cases", orderBy: "id", where: "customer_id = ?"},
	{name: "case_events", orderBy: "id", where: "case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?)"},
	{name: "case_tasks", orderBy: "id", where: "case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?)"},
	{name: "gestures", orderBy: "id", where: "customer_id = ?"},
	{name: "nominations", orderBy: "id", where: "customer_id = ?"},                      // what they wrote nominating someone
	{name: "customer_preferences", orderBy: "id", where: "customer_id = ?"},             // what staff remember of how they like to be served
	{name: "next_action_marks", orderBy: "customer_id, kind", where: "customer_id = ?"}, // what staff made of the actions suggested for them
	{name: "suggestion_opt_outs", orderBy: "customer_id", where: "customer_id = ?"},     // that (and when) they asked for no suggestions
	// The e-mail sent to them (invitations, reminders, thanks, replies on
	// their cases), as queued and sent. Staff mail is left out even where
	// it is about them: it goes to an employee, carries a notification
	// (case assigned, SLA breached, a detractor's comment) and may quote
	// what staff wrote among themselves — staff's mail, not the customer's.
	{name: "email_messages", orderBy: "id", where: "purpose <> 'staff' AND notification_id IS NULL AND " +
		"(customer_id = ? OR case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?))"},
	// The conversation of each of their cases, both ways: what they wrote
	// and what staff answered.
	{name: "case_messages", orderBy: "id", where: "case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?)"},
	// The files that came with those messages: name, type, size and when,
	// not the file itself. A file can be many megabytes, and every one of
	// them is something the customer sent; the export stays a document
	// that can be read, and each file is downloaded on its own
	// (GET /api/v1/cases/{id}/attachments/{attachment_id}).
	{name: "case_attachments", orderBy: "id", omit: []string{"data"}, where: `case_message_id IN (SELECT m.id FROM case_messages m
		JOIN recovery_cases c ON c.id = m.case_id WHERE c.customer_id = ?)`},
}

// idForEach is the arguments of a statement about one customer: their
// id for each of its placeholders.
func idForEach(statement string, id int64) []any {
	args := make([]any, strings.Count(statement, "?"))
	for i := range args {
		args[i] = id
	}
	return args
}

// CustomerData is everything Fresco holds about one customer (the right of
// access), table by table, each row an object keyed by column.
func CustomerData(ctx context.Context, db *store.DB, id int64) (map[string][]map[string]any, error) {
	data := map[string][]map[string]any{}
	for _, t := range customerTables {
		cols, err := columnsOf(ctx, db, t.name)
		if err != nil {
			return nil, err
		}
		cols = slices.DeleteFunc(cols, func(c column) bool { return slices.Contains(t.omit, c.name) })
		list := []map[string]any{}
		_, err = eachRow(ctx, db, t, cols, func(vals []string, present []bool) error {
			row := make(map[string]any, len(cols))
			for i, c := range cols {
				row[c.name] = c.jsonValue(vals[i], present[i])
			}
			list = append(list, row)
			return nil
		}, idForEach(t.where, id)...)
		if err != nil {
			return nil, err
		}
		data[t.name] = list
	}
	if len(data["customers"]) == 0 {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "customer %d not found", id)
	}
	return data, nil
}
