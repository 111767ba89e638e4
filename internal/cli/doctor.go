package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	commands["doctor"] = command{summary: "find (and with --fix repair) stored rows that break totals or a move to PostgreSQL", run: runDoctor}
}

// doctorReport is what fresco doctor prints with --json.
type doctorReport struct {
	Findings    []store.Finding `json:"findings"`
	Problems    int             `json:"problems"`
	Fixed       bool            `json:"fixed"`
	Quarantined []int64         `json:"quarantined,omitempty"` // purchases removed into the quarantine file
	LeftAlone   []int64         `json:"left_alone,omitempty"`  // out-of-range purchases other records point at
	Quarantine  string          `json:"quarantine_file,omitempty"`
}

func runDoctor(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("doctor", env)
	db := dbFlag(fs, env)
	fix := fs.Bool("fix", false, "repair what can be repaired; out-of-range purchases go to the quarantine file")
	quarantine := fs.String("quarantine", "", "with --fix: the JSON Lines file removed purchases are written to (default fresco-quarantine-TIME.jsonl)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	secretKey := secretKeyFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	database, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer database.Close()
	report, err := examine(ctx, database)
	if err != nil {
		return err
	}
	if *fix && report.Problems > 0 {
		if *quarantine == "" {
			*quarantine = "fresco-quarantine-" + time.Now().UTC().Format("20060102T150405") + ".jsonl"
		}
		keys := func() error { // only --fix of plain-text secrets needs the key
			given, err := secretKeySetting(*secretKey, env)
			if err != nil {
				return err
			}
			k, err := secretKeys(*db, given)
			if err == nil {
				database.UseSecretKeys(k)
			}
			return err
		}
		if err := repair(ctx, database, report, *quarantine, keys); err != nil {
			return err
		}
	}
	printDoctorReport(env, report, *asJSON)
	if report.Problems > 0 && !*fix {
		return fmt.Errorf("%d problems found; run with --fix to repair them", report.Problems)
	}
	return nil
}

func examine(ctx context.Context, db *store.DB) (*doctorReport, error) {
	report := &doctorReport{}
	amounts, err := db.OutOfRangePurchases(ctx)
	if err != nil {
		return nil, err
	}
	totals, err := db.StaleTotals(ctx)
	if err != nil {
		return nil, err
	}
	nul, err := db.TextWithNUL(ctx)
	if err != nil {
		return nil, err
	}
	plain, err := db.PlaintextSecrets(ctx)
	if err != nil {
		return nil, err
	}
	report.Findings = append(append([]store.Finding{amounts, totals}, nul...), plain)
	for _, f := range report.Findings {
		report.Problems += f.Count
	}
	return report, nil
}

// repair fixes what each finding names; every repair is audited as the
// doctor's.
func repair(ctx context.Context, db *store.DB, report *doctorReport, quarantinePath string, loadKeys func() error) error {
	const actor = "cli:doctor"
	ids := map[string][]int64{}
	counts := map[string]int{}
	for _, f := range report.Findings {
		ids[f.Check], counts[f.Check] = f.IDs, f.Count
	}
	if counts["plaintext_secrets"] > 0 {
		if err := loadKeys(); err != nil {
			return err
		}
		if _, err := db.SealSecrets(ctx, false); err != nil {
			return err
		}
	}
	if len(ids["purchase_amounts"]) > 0 {
		if err := quarantine(ctx, db, ids["purchase_amounts"], quarantinePath, actor, report); err != nil {
			return err
		}
	}
	if len(ids["purchase_totals"]) > 0 {
		if err := db.RepairTotals(ctx, ids["purchase_totals"], actor); err != nil {
			return err
		}
	}
	for _, table := range []string{"customers", "purchases", "responses"} {
		if len(ids[table+"_nul"]) > 0 {
			if err := db.RemoveNUL(ctx, table, ids[table+"_nul"], actor); err != nil {
				return err
			}
		}
	}
	report.Fixed = true
	return nil
}

func quarantine(ctx context.Context, db *store.DB, ids []int64, path, actor string, report *doctorReport) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	report.Quarantine = path
	for _, id := range ids {
		record, removed, err := db.QuarantinePurchase(ctx, id, actor)
		if err != nil {
			return err
		}
		if !removed {
			report.LeftAlone = append(report.LeftAlone, id)
			continue
		}
		w.Write(append(record, '\n'))
		if err := w.Flush(); err != nil { // on disk before the next removal
			return err
		}
		report.Quarantined = append(report.Quarantined, id)
	}
	return f.Sync()
}

func printDoctorReport(env Env, r *doctorReport, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
		return
	}
	for _, f := range r.Findings {
		mark := "ok "
		if f.Count > 0 {
			mark = "!! "
		}
		fmt.Fprintf(env.Stdout, "%s%-20s %6d  %s\n", mark, f.Check, f.Count, f.Problem)
		if f.Count > 0 {
			fmt.Fprintf(env.Stdout, "   %-20s         first ids %v; repair: %s\n", "", f.Examples, f.Repair)
		}
	}
	if r.Fixed {
		fmt.Fprintf(env.Stdout, "repaired; %d purchases quarantined in %s, %d left for a person (other records point at them)\n",
			len(r.Quarantined), r.Quarantine, len(r.LeftAlone))
	}
}
