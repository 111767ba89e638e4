package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
)

func init() {
	commands["token"] = command{
		summary: "create, list and revoke API tokens",
		run:     runToken,
	}
}

const tokenUsage = `Usage:
  fresco token create --name NAME --role owner|manager|agent|analyst [--db URL]
      prints the new token, alone on one line; it is shown only this once
  fresco token list [--json] [--db URL]
  fresco token revoke ID [--db URL]`

func runToken(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, tokenUsage)
		return usageError("want a subcommand: create, list or revoke")
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, args[1:], env)
	case "list":
		return runTokenList(ctx, args[1:], env)
	case "revoke":
		return runTokenRevoke(ctx, args[1:], env)
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stdout, tokenUsage)
		return nil
	default:
		fmt.Fprintln(env.Stderr, tokenUsage)
		return usageError("unknown subcommand %q: use create, list or revoke", args[0])
	}
}

func runTokenCreate(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("token create", env)
	db := dbFlag(fs, env)
	name := fs.String("name", "", "what the token is for, e.g. the program that uses it (required)")
	roleName := fs.String("role", "", "owner, manager, agent or analyst (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if *name == "" {
		return usageError("--name is required")
	}
	role, err := fresco.ParseRole(*roleName)
	if err != nil {
		return usageError("--role: %v", err)
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	token, t, err := staff.New(st).CreateToken(ctx, staff.CLI, *name, role)
	if err != nil {
		return err
	}
	// The token alone on stdout, so that scripts can capture it; the
	// explanation on stderr.
	fmt.Fprintln(env.Stdout, token)
	fmt.Fprintf(env.Stderr, "Created API token %d %q with role %s. Store it now: it cannot be shown again.\n",
		t.ID, t.Name, t.Role)
	return nil
}

func runTokenList(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("token list", env)
	db := dbFlag(fs, env)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.ListAPITokens(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			ID         int64      `json:"id"`
			Name       string     `json:"name"`
			Role       string     `json:"role"`
			CreatedAt  time.Time  `json:"created_at"`
			LastUsedAt *time.Time `json:"last_used_at"`
			RevokedAt  *time.Time `json:"revoked_at"`
		}
		rows := make([]row, len(list))
		for i, t := range list {
			rows[i] = row{t.ID, t.Name, string(t.Role), t.CreatedAt, t.LastUsedAt, t.RevokedAt}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tLAST USED\tREVOKED")
	for _, t := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role,
			t.CreatedAt.Format(time.DateTime), timeOrDash(t.LastUsedAt), timeOrDash(t.RevokedAt))
	}
	return tw.Flush()
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateTime)
}

func runTokenRevoke(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("token revoke", env)
	db := dbFlag(fs, env)
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usageError("want the id of the token to revoke (see fresco token list)")
	}
	id, err := strconv.ParseInt(positional[0], 10, 64)
	if err != nil || id <= 0 {
		return usageError("%q is not a token id", positional[0])
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := staff.New(st).RevokeToken(ctx, staff.CLI, id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Revoked API token %d.\n", id)
	return nil
}
