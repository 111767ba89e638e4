package portable

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// ErasedName is what an erased customer is called from then on.
const ErasedName = "Erased customer"

// Erasure says what EraseCustomer changed.
type Erasure struct {
	CustomerID int64            `json:"customer_id"`
	ErasedAt   time.Time        `json:"erased_at"`
	Rows       map[string]int64 `json:"rows"` // table → rows whose personal data was removed
}

// eraseCustomerRow keeps the customer's id, acquisition source, referrer and
// first-seen date (they carry no identity and feed lifetime value and
// referral figures) and removes the rest.
const eraseCustomerRow = `UPDATE customers SET external_id = NULL, name = '` + ErasedName + `', email = '', phone = '', address = '',
	tags = '[]', consent_surveys = FALSE, consent_marketing = FALSE, consent_personalisation = FALSE, consent_referral = FALSE,
	version = version + 1, updated_at = ? WHERE id = ?`

// erasures blank the free text that a customer wrote or that staff wrote
// about them. Scores, amounts, dates, categories and the links between
// records stay, so NPS, lifetime value, SLA and recovery figures do not move:
// the history is kept, but it no longer says who.
var erasures = []struct{ table, statement string }{
	{"responses", `UPDATE responses SET comment = '' WHERE customer_id = ?`},
	{"response_answers", `UPDATE response_answers SET text = '' WHERE text <> ''
		AND response_id IN (SELECT id FROM responses WHERE customer_id = ?)`},
	{"recovery_cases", `UPDATE recovery_cases SET summary = '` + ErasedName + `', expectation = '' WHERE customer_id = ?`},
	{"case_tasks", `UPDATE case_tasks SET note = '', outcome = ''
		WHERE case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?)`},
	{"gestures", `UPDATE gestures SET note = '', letter = '', decision_note = '' WHERE customer_id = ?`},
	{"follow_ups", `UPDATE follow_ups SET outcome = '' WHERE customer_id = ?`},
	{"call_tasks", `UPDATE call_tasks SET outcome = '' WHERE customer_id = ?`},
	{"invitation_sends", `UPDATE invitation_sends SET skip_detail = '' WHERE skip_detail <> '' AND customer_id = ?`}, // names a bounced address
	{"nominations", `UPDATE nominations SET reason = '' WHERE reason <> '' AND customer_id = ?`},                     // what the customer wrote nominating someone
	// Preference notes are nothing but what staff know of the person: they
	// go whole, as do the marks on actions suggested for them.
	{"customer_preferences", `DELETE FROM customer_preferences WHERE customer_id = ?`},
	{"next_action_marks", `DELETE FROM next_action_marks WHERE customer_id = ?`},
	// An erased customer is suggested nothing and trains nothing anyway
	// (no consent, no name); their opt-out, a fact about the person, goes.
	{"suggestion_opt_outs", `DELETE FROM suggestion_opt_outs WHERE customer_id = ?`},
	{"referral_codes", `DELETE FROM referral_codes WHERE customer_id = ?`}, // the customers they brought stay referred
}

// freeTextKeys are the keys under which case events and case details keep
// what people wrote; the rest of a body (owners, states, times) drives SLA
// clocks and timelines and stays.
var freeTextKeys = map[string]bool{
	"note": true, "text": true, "outcome": true, "summary": true, "expectation": true, "comment": true,
	"letter": true, "message": true, "what_happened": true, "where": true, "who": true, "decision_note": true,
}

// EraseCustomer removes a customer's personal data (the right to be
// forgotten) in one transaction, and records who did it in the audit log.
func EraseCustomer(ctx context.Context, db *store.DB, actor string, id int64) (*Erasure, error) {
	e := &Erasure{CustomerID: id, ErasedAt: time.Now().UTC().Truncate(time.Microsecond), Rows: map[string]int64{}}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var exists int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM customers WHERE id = ?`, id).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return fresco.Errorf(fresco.ENOTFOUND, "customer %d not found", id)
		}
		if _, err := tx.Exec(ctx, eraseCustomerRow, e.ErasedAt, id); err != nil {
			return fmt.Errorf("erase customers: %w", err)
		}
		e.Rows["customers"] = 1
		for _, er := range erasures {
			res, err := tx.Exec(ctx, er.statement, id)
			if err != nil {
				return fmt.Errorf("erase %s: %w", er.table, err)
			}
			n, _ := res.RowsAffected()
			e.Rows[er.table] = n
		}
		if err := scrubJSON(ctx, tx, e, "recovery_cases", "details", `SELECT id, details FROM recovery_cases WHERE customer_id = ?`, id); err != nil {
			return err
		}
		if err := scrubJSON(ctx, tx, e, "case_events", "body", `SELECT id, body FROM case_events
			WHERE case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?)`, id); err != nil {
			return err
		}
		if err := eraseNotifications(ctx, tx, e, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "erase", "customer", strconv.FormatInt(id, 10), e.Rows)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// scrubJSON blanks the free-text keys of a JSON column in the rows query
// selects (id, json).
func scrubJSON(ctx context.Context, tx *store.Tx, e *Erasure, table, column, query string, args ...any) error {
	type row struct {
		id   int64
		body string
	}
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var found []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.body); err != nil {
			rows.Close()
			return err
		}
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range found {
		var v any
		if json.Unmarshal([]byte(r.body), &v) != nil || !scrub(v) {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET `+column+` = ? WHERE id = ?`, string(b), r.id); err != nil {
			return fmt.Errorf("erase %s: %w", table, err)
		}
		e.Rows[table]++
	}
	return nil
}

// scrub blanks free-text keys anywhere in v and reports whether it changed
// anything.
func scrub(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, inner := range x {
			if s, isText := inner.(string); isText && freeTextKeys[k] && s != "" {
				x[k] = ""
				changed = true
				continue
			}
			changed = scrub(inner) || changed
		}
	case []any:
		for _, inner := range x {
			changed = scrub(inner) || changed
		}
	}
	return changed
}

// eraseNotifications blanks the bodies of staff notifications about the
// customer, their cases and their follow-ups, and those telling a nominee
// of the customer's nomination (rewards.NominationLink): they quote what
// was said.
func eraseNotifications(ctx context.Context, tx *store.Tx, e *Erasure, id int64) error {
	res, err := tx.Exec(ctx, `UPDATE notifications SET body = '' WHERE body <> '' AND (
		link = ? OR link IN (SELECT '/cases/' || id FROM recovery_cases WHERE customer_id = ?)
		OR link IN (SELECT '/followups/' || id FROM follow_ups WHERE customer_id = ?)
		OR link IN (SELECT '/recognition#nomination-' || id FROM nominations WHERE customer_id = ?))`,
		fmt.Sprintf("/customers/%d", id), id, id, id)
	if err != nil {
		return fmt.Errorf("erase notifications: %w", err)
	}
	e.Rows["notifications"], _ = res.RowsAffected()
	return nil
}
