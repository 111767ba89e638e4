package portable

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// ErasedName is what an erased customer is called from then on.
const ErasedName = "Erased customer"

// Erasure says what EraseCustomer changed.
type Erasure struct {
	CustomerID int64            `json:"customer_id"`
	ErasedAt   time.Time        `json:"erased_at"`
	Rows       map[string]int64 `json:"rows"` // table → rows whose personal data was removed (case_attachments: rows deleted)
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
	// An e-mail's answer is known by the mail's Message-ID ("email:<id>"),
	// which their own mail server made and may carry their domain; other
	// external ids are another system's opaque keys and stay.
	{"responses", `UPDATE responses SET comment = '',
		external_id = CASE WHEN external_id LIKE 'email:%' THEN NULL ELSE external_id END WHERE customer_id = ?`},
	{"response_answers", `UPDATE response_answers SET text = '' WHERE text <> ''
		AND response_id IN (SELECT id FROM responses WHERE customer_id = ?)`},
	// state_reason is what staff typed when they parked the case ("waiting
	// for her receipt"); the state itself stays.
	{"recovery_cases", `UPDATE recovery_cases SET summary = '` + ErasedName + `', expectation = '', state_reason = '' WHERE customer_id = ?`},
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
	// The e-mail conversation: the mail sent to them (invitations,
	// reminders, replies on their cases) and the thread of each case, both
	// ways. Addresses, subjects and texts go; the rows, directions,
	// statuses, the employee who wrote and dates stay, so reply counts and
	// response times do not move. Message-IDs go too: the customer's are
	// made by their mail server and may carry their own domain, and ours
	// would thread a later reply onto a case whose customer is forgotten —
	// such a reply now opens a case of its own, from a new customer, as
	// from someone Fresco does not know. A queued mail whose address is
	// blanked is skipped, not sent (notify's e-mail job).
	{"email_messages", `UPDATE email_messages SET to_addr = '', subject = '', body = '', html = '', last_error = '',
		message_id = '', in_reply_to = '', refs = ''
		WHERE customer_id = ? OR case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?)`},
	{"case_messages", `UPDATE case_messages SET from_addr = '', to_addr = '', subject = '', body_text = '', body_html = '',
		message_id = '', in_reply_to = '', refs = ''
		WHERE case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?)`},
	// An attachment is nothing but the customer's: their photo, receipt or
	// letter, its name often theirs too. It goes whole rather than as an
	// empty file: a blanked row would offer staff a download of nothing
	// under a size it no longer has, and no figure counts attachments (the
	// timeline's events keep how many there were).
	{"case_attachments", `DELETE FROM case_attachments WHERE case_message_id IN (SELECT m.id FROM case_messages m
		JOIN recovery_cases c ON c.id = m.case_id WHERE c.customer_id = ?)`},
	// What was told to staff about their cases quotes summaries, subjects
	// and names; the kind (case_assigned, sla_breached) and when stay.
	{"case_notifications", `UPDATE case_notifications SET message = '' WHERE message <> ''
		AND case_id IN (SELECT id FROM recovery_cases WHERE customer_id = ?)`},
	// How staff used a comment may quote it; that it was used stays.
	{"feedback_uses", `UPDATE feedback_uses SET note = '' WHERE note <> ''
		AND response_id IN (SELECT id FROM responses WHERE customer_id = ?)`},
}

// freeTextKeys are the keys under which case events, case details, audit
// records, notification data, webhook payloads and job payloads keep what
// people wrote or who the customer is (a reply's "to", a message's "from"
// and "subject", a follow-up alert's "customer_name"); the rest of a body
// (ids, owners, states, scores, times) drives SLA clocks, timelines and
// figures and stays. Only string values are blanked: "to" and "from" of a
// transfer are employee ids and stay.
var freeTextKeys = map[string]bool{
	"note": true, "text": true, "outcome": true, "summary": true, "expectation": true, "comment": true,
	"letter": true, "message": true, "what_happened": true, "where": true, "who": true, "decision_note": true,
	"reason": true, "resolution": true, "subject": true, "from": true, "to": true,
	"customer_name": true, "name": true, "email": true, "phone": true, "address": true, "external_id": true,
}

// EraseCustomer removes a customer's personal data (the right to be
// forgotten) in one transaction, and records who did it in the audit log.
func EraseCustomer(ctx context.Context, db *store.DB, actor string, id int64) (*Erasure, error) {
	e := &Erasure{CustomerID: id, ErasedAt: time.Now().UTC().Truncate(time.Microsecond), Rows: map[string]int64{}}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		// Who they are, read before it is blanked: the traces found by
		// content rather than by link (eraseQuotes) are found by it.
		who, err := identityOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, eraseCustomerRow, e.ErasedAt, id); err != nil {
			return fmt.Errorf("erase customers: %w", err)
		}
		e.Rows["customers"] = 1
		for _, er := range erasures {
			res, err := tx.Exec(ctx, er.statement, idForEach(er.statement, id)...)
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
		if err := eraseNotifications(ctx, tx, e, id, who.name); err != nil {
			return err
		}
		if err := eraseTraces(ctx, tx, e, id, who); err != nil {
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
// selects (id, json), and counts the rows it changed in e.
func scrubJSON(ctx context.Context, tx *store.Tx, e *Erasure, table, column, query string, args ...any) error {
	n, err := scrubJSONRows(ctx, tx, table, column, query, args...)
	e.Rows[table] += n
	return err
}

// scrubJSONRows is scrubJSON returning how many rows it changed.
func scrubJSONRows(ctx context.Context, tx *store.Tx, table, column, query string, args ...any) (int64, error) {
	type row struct {
		id   int64
		body string
	}
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	var found []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.body); err != nil {
			rows.Close()
			return 0, err
		}
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	changed := int64(0)
	for _, r := range found {
		b, ok, err := scrubbed(r.body)
		if err != nil {
			return changed, err
		}
		if !ok {
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET `+column+` = ? WHERE id = ?`, b, r.id); err != nil {
			return changed, fmt.Errorf("erase %s: %w", table, err)
		}
		changed++
	}
	return changed, nil
}

// scrubbed is the JSON text body with its free-text keys blanked, and
// whether that changed anything. Text that is not JSON is left as it is.
// Numbers are kept as written (ids beyond float64's precision stay exact).
func scrubbed(body string) (string, bool, error) {
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil || !scrub(v) {
		return body, false, nil
	}
	b, err := json.Marshal(v)
	return string(b), err == nil, err
}

// isFreeText reports whether key is one of freeTextKeys, however it is
// written: snake_case as the services write JSON, or a Go field name as a
// struct without tags marshals it (a stored report's "Summary").
func isFreeText(key string) bool {
	return freeTextKeys[key] || normalFreeTextKeys[normalKey(key)]
}

// normalKey is key in lower case without underscores: "CustomerID" and
// "customer_id" are both "customerid".
func normalKey(key string) string { return strings.ToLower(strings.ReplaceAll(key, "_", "")) }

var normalFreeTextKeys = func() map[string]bool {
	m := make(map[string]bool, len(freeTextKeys))
	for k := range freeTextKeys {
		m[normalKey(k)] = true
	}
	return m
}()

// scrub blanks free-text keys anywhere in v and reports whether it changed
// anything.
func scrub(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, inner := range x {
			if s, isText := inner.(string); isText && isFreeText(k) && s != "" {
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

// notificationsAbout selects the staff notifications about the customer:
// those pointing at the customer, their cases, their follow-ups, or a
// nomination they made (rewards.NominationLink), and those whose data names
// them (praise passed on to an employee links to the employee, and says
// "customer_id" in its data). Its arguments are notificationArgs.
const notificationsAbout = `(link = ? OR link IN (SELECT '/cases/' || id FROM recovery_cases WHERE customer_id = ?)
	OR link IN (SELECT '/followups/' || id FROM follow_ups WHERE customer_id = ?)
	OR link IN (SELECT '/recognition#nomination-' || id FROM nominations WHERE customer_id = ?)
	OR data LIKE ? OR data LIKE ?)`

func notificationArgs(id int64) []any {
	return append([]any{fmt.Sprintf("/customers/%d", id), id, id, id}, namesCustomer(id)...)
}

// namesCustomer are the LIKE patterns of JSON (as encoding/json writes it)
// holding "customer_id": id, anywhere in an object.
func namesCustomer(id int64) []any {
	return []any{fmt.Sprintf(`%%"customer_id":%d,%%`, id), fmt.Sprintf(`%%"customer_id":%d}%%`, id)}
}

// eraseNotifications blanks the bodies of staff notifications about the
// customer (notificationsAbout) — they quote what was said — and of the
// e-mails that carried them to staff, and takes the customer's name out of
// their subjects ("Kind words from …"), which otherwise say only what
// happened. The notifications' data keeps its ids without the free text.
// The staff's addresses stay: the mail went to them. The notifications are
// found in one pass (their data is matched by LIKE, with no index to help)
// and then changed by id.
func eraseNotifications(ctx context.Context, tx *store.Tx, e *Erasure, id int64, name string) error {
	type found struct {
		id   int64
		data string
	}
	var list []found
	rows, err := tx.Query(ctx, `SELECT id, data FROM notifications WHERE `+notificationsAbout, notificationArgs(id)...)
	if err != nil {
		return fmt.Errorf("erase notifications: %w", err)
	}
	for rows.Next() {
		var f found
		if err := rows.Scan(&f.id, &f.data); err != nil {
			rows.Close()
			return err
		}
		list = append(list, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("erase notifications: %w", err)
	}
	e.Rows["notifications"] = int64(len(list))
	for start := 0; start < len(list); start += idsAtOnce {
		part := list[start:min(start+idsAtOnce, len(list))]
		args := []any{name, ErasedName}
		for _, f := range part {
			args = append(args, f.id)
		}
		in := strings.Repeat("?, ", len(part)-1) + "?"
		if _, err := tx.Exec(ctx, `UPDATE notifications SET subject = REPLACE(subject, ?, ?), body = '' WHERE id IN (`+in+`)`, args...); err != nil {
			return fmt.Errorf("erase notifications: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE email_messages SET subject = REPLACE(subject, ?, ?), body = '', html = ''
			WHERE notification_id IN (`+in+`)`, args...)
		if err != nil {
			return fmt.Errorf("erase notification e-mails: %w", err)
		}
		n, _ := res.RowsAffected()
		e.Rows["email_messages"] += n
	}
	for _, f := range list {
		data, changed, err := scrubbed(f.data)
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE notifications SET data = ? WHERE id = ?`, data, f.id); err != nil {
			return fmt.Errorf("erase notifications: %w", err)
		}
	}
	return nil
}

// idsAtOnce bounds the ids of one IN list, well under either engine's
// limit on a statement's parameters.
const idsAtOnce = 1000
