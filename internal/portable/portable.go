// Package portable moves a business's data out of Fresco and back in: every
// entity, table by table, as CSV or JSON Lines files in a folder with a
// manifest. An export restored into an empty database — SQLite or
// PostgreSQL, either way round — exports again to the same files, so it is
// also how a business moves between engines or leaves Fresco altogether.
// That includes its mail: case conversations with their attachments (the
// files' bytes in base64, as the manifest says), every e-mail queued or
// sent, reply templates and the log of invitations sent.
//
// What is not exported, and why:
//   - secrets: API tokens, sessions, password hashes (employees come back
//     without a password and must set one), the survey-link signing key;
//     webhook subscriptions, whose signing secrets receivers hold (re-create
//     them after an import);
//   - what Fresco recomputes or can do without: lifetime-value results
//     (refitted nightly or with "Refit now"), the job queue, notification and
//     delivery logs (an e-mail's link to the notification it carried is
//     exported empty), idempotency keys, login-failure counters;
//   - who has answered each staff pulse (pulse_respondents): the only link
//     between an employee and a pulse, which beside a small team's answers
//     would say whose they are. The answers themselves are exported as
//     stored — their unit, never an employee, a time or an ordered id — so
//     the history moves with the business; what Fresco publishes of them
//     stays behind the anonymity floor after an import as before. The cost:
//     after a restore, staff could answer a pulse that is still open a
//     second time.
package portable

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// table is one exported table: its rows in id (or key) order, and how to
// restore them.
type table struct {
	name    string
	orderBy string
	// selfRefs are columns that point at another row of the same table.
	// They are restored in a second pass, because the row pointed at may
	// come later.
	selfRefs []string
	// blank are columns written empty: secrets that must not leave.
	blank []string
	// null are columns written as NULL: they point at a table the export
	// leaves behind, whose row would not be there to point at after an
	// import (the foreign key would refuse the row).
	null []string
	// where keeps rows out of the export (secret settings).
	where string
	// omit are columns CustomerData does not read at all: the right of
	// access leaves out an attachment's file (customerTables).
	omit []string
}

// tables lists every exported table in an order in which each table's
// foreign keys point only at tables before it (or at itself).
var tables = []table{
	{name: "locations", orderBy: "id"},
	{name: "employees", orderBy: "id", blank: []string{"password_hash"}},
	{name: "teams", orderBy: "id"},
	{name: "customers", orderBy: "id", selfRefs: []string{"referred_by"}},
	{name: "referral_codes", orderBy: "id"}, // promoters' codes, live and revoked
	{name: "products", orderBy: "id"},
	{name: "purchases", orderBy: "id"},
	{name: "purchase_lines", orderBy: "purchase_id, line_no"},
	{name: "marketing_spend", orderBy: "id"},
	{name: "channel_sources", orderBy: "channel"}, // the owner's mapping of spend channels to acquisition sources
	{name: "audit_log", orderBy: "id"},
	{name: "settings", orderBy: "key", where: "key NOT IN ('feedback.link_key')"},
	{name: "listening_posts", orderBy: "id"},
	{name: "feedback_uses", orderBy: "id"},
	{name: "surveys", orderBy: "id"},
	{name: "survey_invitations", orderBy: "id"},
	{name: "customer_contacts", orderBy: "id"},
	{name: "responses", orderBy: "id"},
	{name: "response_answers", orderBy: "response_id, position"},
	{name: "call_tasks", orderBy: "id"},
	{name: "feedback_categories", orderBy: "slug"},
	{name: "sla_policies", orderBy: "location_id"},
	{name: "recovery_cases", orderBy: "id", selfRefs: []string{"merged_into"}},
	// Every e-mail queued or sent: to customers (invitations, replies on
	// their cases) and to staff. notification_id points into the
	// notification log, which is not exported; the mail itself is kept.
	{name: "email_messages", orderBy: "id", null: []string{"notification_id"}},
	// Case conversations both ways, and the files that came with them
	// (their bytes in base64: see kindBytes).
	{name: "case_messages", orderBy: "id"},
	{name: "case_attachments", orderBy: "id"},
	{name: "reply_templates", orderBy: "id"},
	{name: "case_events", orderBy: "id"},
	{name: "case_people", orderBy: "case_id, employee_id, role"},
	{name: "case_tasks", orderBy: "id"},
	{name: "gestures", orderBy: "id"},
	{name: "authority_limits", orderBy: "scope, kind"},
	{name: "case_notifications", orderBy: "id"},
	{name: "recurrence_alerts", orderBy: "id"},
	{name: "follow_ups", orderBy: "id"},
	{name: "invitation_rules", orderBy: "id"},
	// Which invitation each rule sent, skipped or still has pending: without
	// them a restored business would invite the same customers again.
	{name: "invitation_sends", orderBy: "id"},
	{name: "invitation_templates", orderBy: "survey_id, lang"},
	// The staff pulse, anonymous: no employee in any of these (see above).
	{name: "pulse_question_sets", orderBy: "version"},
	{name: "pulses", orderBy: "id"},
	{name: "pulse_responses", orderBy: "id"}, // ids are random: their order tells nothing
	{name: "pulse_answers", orderBy: "response_id, item"},
	// People: who worked when, why they left, what they learnt, and what
	// the business rewards and aims at.
	{name: "exit_reasons", orderBy: "slug"},
	{name: "employment_spells", orderBy: "id"},
	{name: "employee_trainings", orderBy: "id"},
	{name: "rewards", orderBy: "id"},
	{name: "nominations", orderBy: "id"},
	{name: "goals", orderBy: "id"},
	// What was already sent: without them a restored business would be
	// sent this week's goals digest and every standing mediocrity alert
	// again.
	{name: "goal_digests", orderBy: "week"},
	{name: "mediocrity_alerts", orderBy: "unit_kind, unit_id, period"},
	// Imported process event logs (internal/processlog): a file may be
	// gone by the time the business is restored.
	{name: "event_logs", orderBy: "id"},
	{name: "event_log_cases", orderBy: "log_id, case_no"},
	{name: "event_log_attributes", orderBy: "log_id, case_no, name"},
	{name: "event_log_events", orderBy: "log_id, seq"},
	// Designed process maps, every version of them, and their fail points.
	{name: "process_maps", orderBy: "id"},
	{name: "process_map_versions", orderBy: "map_id, version"},
	{name: "process_map_fail_points", orderBy: "id"},
	// Anticipation: preference notes and what staff made of next best
	// actions (without them a restore would show dismissed actions again).
	{name: "customer_preferences", orderBy: "id"},
	{name: "next_action_marks", orderBy: "customer_id, kind"},
	// Suggestions: what the owner marked sensitive and who opted out (the
	// model itself is retrained from the purchases).
	{name: "sensitive_categories", orderBy: "category"},
	{name: "suggestion_opt_outs", orderBy: "customer_id"},
}

// Format is how rows are written.
type Format string

const (
	CSV  Format = "csv"  // one CSV file per table, header first; \N is NULL
	JSON Format = "json" // one JSON Lines file per table (.jsonl), an object per row
)

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case CSV, JSON:
		return Format(s), nil
	}
	return "", fmt.Errorf("format must be csv or json (got %q)", s)
}

func (f Format) extension() string {
	if f == JSON {
		return ".jsonl"
	}
	return ".csv"
}

// Manifest describes an export; it is written last, so a folder without one
// holds an export that did not finish.
type Manifest struct {
	Fresco        string           `json:"fresco"` // "export/1": the layout of this folder
	Format        Format           `json:"format"`
	SchemaVersion int64            `json:"schema_version"`
	ExportedAt    time.Time        `json:"exported_at"`
	Engine        string           `json:"engine"`
	Rows          map[string]int64 `json:"rows"` // table → rows written
	// Encoded names the columns whose values are not written as they are
	// stored, "table.column" → encoding: "base64" for binary columns (an
	// attachment's file), in CSV and JSON Lines alike.
	Encoded map[string]string `json:"encoded,omitempty"`
}

const layout = "export/1"

const manifestFile = "manifest.json"

func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, manifestFile), append(b, '\n'), 0o600)
}

func readManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not a finished Fresco export: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", manifestFile, err)
	}
	if m.Fresco != layout {
		return nil, fmt.Errorf("%s: layout %q, this fresco reads %q", manifestFile, m.Fresco, layout)
	}
	if _, err := ParseFormat(string(m.Format)); err != nil {
		return nil, fmt.Errorf("%s: %w", manifestFile, err)
	}
	return &m, nil
}
