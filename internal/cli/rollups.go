package cli

import (
	"context"
	"fmt"
)

func init() {
	commands["rollups"] = command{summary: "recompute the report rollups from the recorded events (rollups rebuild)", run: runRollups}
}

const rollupsUsage = `usage: fresco rollups rebuild [--db URL]

Recomputes the rollup tables the reports read (feedback scores per day,
post, location, employee and segment; per month and one dimension at a
time; driver item × NPS score pairs per month and one dimension at a time;
responses per post and purchase→feedback delay in hours, per day and month;
customers, repeat customers and revenue per acquisition source; each
customer's purchase summary: count, first and last, median interval; the
recovery report's baseline, per customer and month and per month) from the
raw tables, in one transaction. Triggers keep them exact on every write; rebuild repairs a
database whose rollups were written around them.`

func runRollups(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usageError("missing subcommand\n%s", rollupsUsage)
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.Stdout, rollupsUsage)
		return nil
	}
	if args[0] != "rebuild" {
		return usageError("unknown subcommand %q\n%s", args[0], rollupsUsage)
	}
	fs := newFlagSet("rollups rebuild", env)
	dbURL := dbFlag(fs, env)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	counts, err := db.RebuildRollups(ctx)
	if err != nil {
		return err
	}
	for _, c := range counts {
		fmt.Fprintf(env.Stdout, "%s: %d rows\n", c.Table, c.Rows)
	}
	return nil
}
