package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	commands["secrets"] = command{summary: "make a secret key (new-key), or re-encrypt the stored secrets with a new one (rotate)", run: runSecrets}
}

// The secret key seals the webhook secrets and the survey-link key in the
// database. It comes from --secret-key, FRESCO_SECRET_KEY,
// FRESCO_SECRET_KEY_FILE or "secret-key" in the --config file; for SQLite,
// when none is given, from the file next to the database, made on first run
// (as PocketBase and Miniflux keep a single-file install working without
// setup). PostgreSQL has no such default: a key made by one replica would be
// unknown to the others, so a start without one is refused.

const secretKeyUsage = "the key that encrypts webhook secrets and the survey-link key in the database; several keys, one a line or comma-separated, the first current (prefer FRESCO_SECRET_KEY_FILE; SQLite default: the .key file next to the database, made on first run)"

// secretKeyFlag adds --secret-key to fs.
func secretKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("secret-key", "", secretKeyUsage)
}

// secretKeySetting is --secret-key's value for a command that reads no
// other setting from the environment: the flag, else FRESCO_SECRET_KEY or
// FRESCO_SECRET_KEY_FILE.
func secretKeySetting(flagValue string, env Env) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	value, _, _, err := settingValue("secret-key", env, nil)
	return value, err
}

// keyFilePath is the key file a SQLite database uses when no key is given.
func keyFilePath(dbPath string) string { return dbPath + ".key" }

// secretKeys returns the keys for the database dbURL names: the given ones,
// else the SQLite key file (made when missing).
func secretKeys(dbURL, given string) (*secret.Keyring, error) {
	if strings.TrimSpace(given) != "" {
		k, err := secret.ParseKeys(given)
		if err != nil {
			return nil, usageError("--secret-key: %v", err)
		}
		return k, nil
	}
	path, ok := store.SQLitePath(dbURL)
	if !ok {
		return nil, usageError("--secret-key is required with PostgreSQL, the same on every replica: " +
			"make one with 'fresco secrets new-key' and give it as FRESCO_SECRET_KEY_FILE, FRESCO_SECRET_KEY, --secret-key or secret-key in --config")
	}
	return keyFile(keyFilePath(path), true)
}

// keyFile reads the keys in path; with create, a missing file is made with a
// fresh key, readable by its owner only.
func keyFile(path string, create bool) (*secret.Keyring, error) {
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err := createKeyFile(path); err != nil {
			return nil, err
		}
		text, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("secret key file: %w", err)
	}
	k, err := secret.ParseKeys(string(text))
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	return k, nil
}

// createKeyFile writes a fresh key to path, mode 0600. The key is written to
// a temporary file and linked into place, so two processes starting on one
// new database at once agree on one key, and a crash never leaves an empty
// key file behind.
func createKeyFile(path string) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("secret key file: %w", err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("secret key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600 already; Chmod says so where it matters.
	_, err = fmt.Fprintf(tmp, "# Fresco's secret key: it decrypts the secrets in %s. Back it up, apart from the database.\n%s\n",
		filepath.Base(strings.TrimSuffix(path, ".key")), secret.NewKey())
	err = errors.Join(err, tmp.Chmod(0o600), tmp.Sync(), tmp.Close())
	if err != nil {
		return fmt.Errorf("secret key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("secret key file: %w", err)
	}
	return nil
}

func runSecrets(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.Stderr, "Usage: fresco secrets new-key | rotate --new-key-file FILE [--old-key-file FILE] [--db URL]")
		if len(args) == 0 {
			return usageError("name a subcommand: new-key or rotate")
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "new-key":
		if len(args) > 1 && (args[1] == "-h" || args[1] == "--help") {
			fmt.Fprintln(env.Stderr, "Usage: fresco secrets new-key > fresco.key\n\nPrints a new random secret key.")
			return flag.ErrHelp
		}
		fmt.Fprintln(env.Stdout, secret.NewKey())
		return nil
	case "rotate":
		return rotateSecrets(ctx, args[1:], env)
	}
	return usageError("unknown subcommand %q: want new-key or rotate", args[0])
}

// rotateSecrets re-encrypts every stored secret with a new key, in one
// transaction: the old keys open, the new key seals.
func rotateSecrets(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("secrets rotate", env)
	db := dbFlag(fs, env)
	oldFile := fs.String("old-key-file", "", "file with the key(s) the secrets are sealed with now (SQLite default: the .key file next to the database)")
	newFile := fs.String("new-key-file", "", "file with the new key (make one with 'fresco secrets new-key')")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: fresco secrets rotate --db URL --new-key-file NEW [--old-key-file OLD]\n\nRe-encrypts the webhook secrets and the survey-link key with the first key in NEW.\nStop every server first, or run them with NEW's key first and OLD's after it (see docs/operations.md).")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *newFile == "" {
		return usageError("--new-key-file is required (make one with 'fresco secrets new-key > FILE')")
	}
	if *oldFile == "" {
		path, ok := store.SQLitePath(*db)
		if !ok {
			return usageError("--old-key-file is required with PostgreSQL")
		}
		*oldFile = keyFilePath(path)
	}
	newText, err := os.ReadFile(*newFile)
	if err != nil {
		return usageError("--new-key-file: %v", err)
	}
	oldText, err := os.ReadFile(*oldFile)
	if err != nil {
		return usageError("--old-key-file: %v", err)
	}
	if _, err := secret.ParseKeys(string(oldText)); err != nil {
		return usageError("--old-key-file %s: %v", *oldFile, err)
	}
	fresh, err := secret.ParseKeys(string(newText))
	if err != nil {
		return usageError("--new-key-file %s: %v", *newFile, err)
	}
	keys, err := secret.ParseKeys(string(newText) + "\n" + string(oldText))
	if err != nil {
		return err
	}
	database, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer database.Close()
	database.UseSecretKeys(keys)
	n, err := database.SealSecrets(ctx, true)
	if err != nil {
		return fmt.Errorf("nothing changed: %w", err)
	}
	fmt.Fprintf(env.Stdout, "re-encrypted %d secrets with key %s\n", n, fresh.CurrentID())
	if path, ok := store.SQLitePath(*db); ok && *oldFile == keyFilePath(path) {
		fmt.Fprintf(env.Stdout, "now replace %s with %s before the next start\n", *oldFile, *newFile)
	}
	return nil
}
