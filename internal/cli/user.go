package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
)

func init() {
	commands["user"] = command{
		summary: "create a UI login, or set a user's password",
		run:     runUser,
	}
}

const userUsage = `Usage:
  fresco user create --email EMAIL --role owner|manager|agent|analyst [--name NAME] [--db URL] < password
      reads the password from the first line of stdin (at least 10 characters);
      creates the employee if there is none with that e-mail address, otherwise
      sets the existing employee's password (and role); ends their sessions`

func runUser(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, userUsage)
		return usageError("want a subcommand: create")
	}
	switch args[0] {
	case "create":
		return runUserCreate(ctx, args[1:], env)
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stdout, userUsage)
		return nil
	default:
		fmt.Fprintln(env.Stderr, userUsage)
		return usageError("unknown subcommand %q: use create", args[0])
	}
}

func runUserCreate(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("user create", env)
	db := dbFlag(fs, env)
	email := fs.String("email", "", "the user's e-mail address, their login (required)")
	roleName := fs.String("role", "", "owner, manager, agent or analyst (required)")
	name := fs.String("name", "", "the user's name (default: the part of the e-mail address before @)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q (the password is read from stdin)", fs.Arg(0))
	}
	if *email == "" {
		return usageError("--email is required")
	}
	role, err := fresco.ParseRole(*roleName)
	if err != nil {
		return usageError("--role: %v", err)
	}
	password, err := readPassword(env.Stdin)
	if err != nil {
		return err
	}
	// Refuse a bad password before opening, perhaps creating, the database.
	if err := auth.CheckPassword(password); err != nil {
		return err
	}
	st, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	e, created, err := staff.New(st).Provision(ctx, staff.CLI, staff.Login{Email: *email, Name: *name, Role: role, Password: password})
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(env.Stdout, "Created %s %s (employee %d); they can log in now.\n", e.Role, e.Email, e.ID)
	} else {
		fmt.Fprintf(env.Stdout, "Set the password of %s %s (employee %d).\n", e.Role, e.Email, e.ID)
	}
	if !e.Active {
		fmt.Fprintf(env.Stderr, "Note: employee %d is inactive and cannot log in until reactivated.\n", e.ID)
	}
	return nil
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, auth.MaxPasswordLength+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from stdin: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", usageError("give the password on the first line of stdin, e.g. fresco user create … < password.txt")
	}
	return line, nil
}
