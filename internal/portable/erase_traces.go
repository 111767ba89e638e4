package portable

// What the customer left outside their own records: copies of their words
// and details in the audit log, the job queue, webhook deliveries, stored
// reports, and digests that list them among others.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// identity is who the customer is, as stored before erasure.
type identity struct {
	name, email, phone, address, externalID string
}

func identityOf(ctx context.Context, tx *store.Tx, id int64) (identity, error) {
	var who identity
	err := tx.QueryRow(ctx, `SELECT name, email, phone, address, COALESCE(external_id, '') FROM customers WHERE id = ?`, id).
		Scan(&who.name, &who.email, &who.phone, &who.address, &who.externalID)
	if errors.Is(err, sql.ErrNoRows) {
		return who, fresco.Errorf(fresco.ENOTFOUND, "customer %d not found", id)
	}
	return who, err
}

// eraseTraces removes the customer's traces outside their own records.
//
// Deliberately kept, because they hold no words of the customer's and no
// detail of who they are: idempotency keys (only the purchases batch stores
// its answers, which are indexes, statuses, purchase ids and validation
// messages); process-map fail points (staff's notes on a step of a
// process, pointing at case and response ids); imported process event
// logs (another system's case ids, with no link to a customer); the
// suggestion model (co-purchase counts of products); quarantined purchases
// in the audit log (ids, amounts, product lines).
func eraseTraces(ctx context.Context, tx *store.Tx, e *Erasure, id int64, who identity) error {
	// Every table looked in is in the answer, with 0 when nothing was found.
	for _, table := range []string{"audit_log", "jobs", "webhook_deliveries", "report_snapshots"} {
		e.Rows[table] += 0
	}
	idText := strconv.FormatInt(id, 10)
	// The audit log outlives the records it describes, so it must not
	// keep their words: a case's changes are recorded with the same body
	// as its timeline ("case.note" with the text, "case.reply_sent" with
	// the address), an e-mail that made someone a customer with their name
	// and address, a bounce under the address itself. Who did what, and
	// when, stays.
	if err := scrubJSON(ctx, tx, e, "audit_log", "detail", `SELECT id, detail FROM audit_log
		WHERE (entity = 'case' AND entity_id IN (SELECT CAST(id AS TEXT) FROM recovery_cases WHERE customer_id = ?))
		OR (entity = 'customer' AND entity_id = ?)`, id, idText); err != nil {
		return err
	}
	if who.email != "" {
		// A bounce is recorded under the address, compared as mail servers
		// do, whatever its case; its reason may quote the address too. Such
		// a record is counted once, by its entity_id.
		bounce := strings.ToLower(who.email)
		if _, err := scrubJSONRows(ctx, tx, "audit_log", "detail", `SELECT id, detail FROM audit_log
			WHERE entity = 'email' AND LOWER(entity_id) = ?`, bounce); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE audit_log SET entity_id = '' WHERE entity = 'email' AND LOWER(entity_id) = ?`, bounce)
		if err != nil {
			return fmt.Errorf("erase audit_log: %w", err)
		}
		n, _ := res.RowsAffected()
		e.Rows["audit_log"] += n
	}
	// Jobs carry the customer in their payloads: a complaint waiting to
	// open its case quotes the comment (recovery.JobOpenFromComplaint,
	// unique per response), a survey invitation by SMS holds the number
	// and a text that greets them by name (feedback.JobInvitationSMS,
	// unique per invitation). Done jobs are pruned only after a while and
	// failed ones never. The job's kind, status and times stay; a queued
	// SMS without a number is not sent.
	if err := scrubJSON(ctx, tx, e, "jobs", "payload", `SELECT id, payload FROM jobs
		WHERE unique_key IN (SELECT 'recovery.open_from_complaint:' || id FROM responses WHERE customer_id = ?)
		OR unique_key IN (SELECT 'sms:invitation:' || id FROM survey_invitations WHERE customer_id = ?)
		OR unique_key IN (SELECT 'sms:reminder:' || id FROM survey_invitations WHERE customer_id = ?)`, id, id, id); err != nil {
		return err
	}
	// A webhook delivery is the event as it was sent (or will be): alerts
	// and praise carry the comment and the customer's name. Pending ones
	// go out without them.
	if err := scrubJSON(ctx, tx, e, "webhook_deliveries", "payload", `SELECT id, payload FROM webhook_deliveries
		WHERE payload LIKE ? OR payload LIKE ?`, namesCustomer(id)...); err != nil {
		return err
	}
	if err := eraseReportQuotes(ctx, tx, e, id); err != nil {
		return err
	}
	return eraseQuotes(ctx, tx, e, who)
}

// eraseReportQuotes blanks the free text of whatever a stored report says
// about one of the customer's responses or about the customer (the themes
// report quotes example comments by response_id, the recognition feed's
// recoveries a case's summary by CustomerID). The report's figures stay
// until its next refresh recomputes them.
func eraseReportQuotes(ctx context.Context, tx *store.Tx, e *Erasure, id int64) error {
	responses := map[string]bool{}
	rows, err := tx.Query(ctx, `SELECT id FROM responses WHERE customer_id = ?`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return err
		}
		responses[strconv.FormatInt(r, 10)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// An object is about them when its response id is one of theirs or its
	// customer id is theirs, whether written response_id or ResponseID.
	about := func(m map[string]any) bool {
		for k, v := range m {
			n, _ := v.(json.Number)
			switch normalKey(k) {
			case "responseid":
				if responses[n.String()] {
					return true
				}
			case "customerid":
				if n.String() == strconv.FormatInt(id, 10) {
					return true
				}
			}
		}
		return false
	}
	type report struct{ name, body string }
	var reports []report
	rows, err = tx.Query(ctx, `SELECT name, body FROM report_snapshots`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r report
		if err := rows.Scan(&r.name, &r.body); err != nil {
			rows.Close()
			return err
		}
		reports = append(reports, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range reports {
		d := json.NewDecoder(strings.NewReader(r.body))
		d.UseNumber()
		var v any
		if d.Decode(&v) != nil || !scrubWhere(v, about) {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE report_snapshots SET body = ? WHERE name = ?`, string(b), r.name); err != nil {
			return fmt.Errorf("erase report_snapshots: %w", err)
		}
		e.Rows["report_snapshots"]++
	}
	return nil
}

// scrubWhere blanks the free-text keys of every object in v that about
// picks, and reports whether it changed anything.
func scrubWhere(v any, about func(map[string]any) bool) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		if about(x) {
			changed = scrub(x)
		}
		for _, inner := range x {
			changed = scrubWhere(inner, about) || changed
		}
	case []any:
		for _, inner := range x {
			changed = scrubWhere(inner, about) || changed
		}
	}
	return changed
}

// quotedIn are the columns where the customer may be named among others,
// with nothing linking the row to them: a digest of satisfied customers
// who may be leaving lists names, a job or a webhook delivery may copy
// them, a stored report may list them. eraseQuotes looks in these for the
// customer's name, address, number and external id by content.
var quotedIn = []struct {
	table   string
	columns []string
}{
	{"notifications", []string{"subject", "body"}},
	{"email_messages", []string{"subject", "body", "html"}},
	{"webhook_deliveries", []string{"payload"}},
	{"jobs", []string{"payload", "last_error"}}, // a mail server's refusal often quotes the address
	{"report_snapshots", []string{"body"}},
	{"case_notifications", []string{"message"}},
}

// minQuoted is the shortest detail eraseQuotes looks for: a shorter name
// ("Al") would match inside other people's words.
const minQuoted = 5

// eraseQuotes replaces the customer's name (with ErasedName) and removes
// their e-mail address, phone number, postal address and external id
// wherever quotedIn holds them. It runs after the erasures by link, so a
// row they cleaned is not found (nor counted) again. Nothing indexes
// these columns, so each table is read once, for every column and detail
// at once: at 500,000 notifications and as many e-mails, about 0.2 s a
// table on SQLite.
func eraseQuotes(ctx context.Context, tx *store.Tx, e *Erasure, who identity) error {
	type swap struct{ old, new string }
	var swaps []swap
	for _, s := range []swap{{who.name, ErasedName}, {who.email, ""}, {strings.ToLower(who.email), ""},
		{who.phone, ""}, {who.address, ""}, {who.externalID, ""}} {
		if len([]rune(s.old)) >= minQuoted && s.old != ErasedName {
			swaps = append(swaps, s)
		}
	}
	if len(swaps) == 0 {
		return nil
	}
	// instr and strpos find a substring as it is, with no LIKE wildcards
	// to escape in a name such as "50% Off Ltd".
	contains := `instr(%s, ?) > 0`
	if tx.Dialect() == store.Postgres {
		contains = `strpos(%s, ?) > 0`
	}
	for _, q := range quotedIn {
		var sets, found []string
		var setArgs, findArgs []any
		for _, c := range q.columns {
			set := c
			for _, sw := range swaps {
				set = `REPLACE(` + set + `, ?, ?)`
				setArgs = append(setArgs, sw.old, sw.new)
				found = append(found, fmt.Sprintf(contains, c))
				findArgs = append(findArgs, sw.old)
			}
			sets = append(sets, c+` = `+set)
		}
		res, err := tx.Exec(ctx, `UPDATE `+q.table+` SET `+strings.Join(sets, ", ")+`
			WHERE `+strings.Join(found, " OR "), append(setArgs, findArgs...)...)
		if err != nil {
			return fmt.Errorf("erase %s: %w", q.table, err)
		}
		n, _ := res.RowsAffected()
		e.Rows[q.table] += n
	}
	return nil
}
