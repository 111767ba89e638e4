// Package cli implements the fresco command line: one function per subcommand,
// all dispatched from the table in this file.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Env is everything a command may touch outside its arguments, so tests can run
// commands in-process with their own streams and environment.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// command is one subcommand. run receives the arguments after the command name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, env Env) error
}

// commands is every subcommand fresco has.
var commands = map[string]command{}

// errUsage marks an error as a usage error (exit code 2).
var errUsage = errors.New("usage")

// usageError wraps a message so that Run exits with code 2.
func usageError(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

// Run runs the command named by args[0] and returns the process exit code:
// 0 on success, 2 for usage errors, 1 for failures.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "fresco: unknown command %q (see 'fresco help')\n", args[0])
		return 2
	}
	err := cmd.run(ctx, args[1:], env)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.Stderr, "fresco %s: %s\n", args[0], strings.TrimPrefix(err.Error(), "usage: "))
		return 2
	default:
		fmt.Fprintf(env.Stderr, "fresco %s: %v\n", args[0], err)
		return 1
	}
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "fresco — customer lifetime value, listening posts and service recovery in one binary.")
	fmt.Fprintln(w, "\nUsage: fresco COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'fresco COMMAND -h' for a command's flags.")
}

// newFlagSet returns a flag set that reports parse errors as usage errors
// instead of exiting the process.
func newFlagSet(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("fresco "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	return nil
}
