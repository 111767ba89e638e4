package store

// Secrets at rest. The two values Fresco must read back but nobody with the
// database (or a backup of it) should learn — each webhook's signing secret
// and the key that signs survey links — are sealed with the DB's keyring
// (package secret) on write and opened on read, here, so that no caller
// ever sees the stored form.

import (
	"context"
	"errors"
	"fmt"

	"github.com/fresco-cx/fresco/internal/secret"
)

// SettingSurveyLinkKey is the setting that holds the survey-link signing key.
const SettingSurveyLinkKey = "feedback.link_key"

// sealedSettings are the settings stored sealed.
var sealedSettings = []string{SettingSurveyLinkKey}

const webhookSecretPurpose = "webhook_subscriptions.secret"

func settingPurpose(key string) string { return "settings." + key }

// ErrNoSecretKey is returned when a secret is written or read before
// UseSecretKeys.
var ErrNoSecretKey = errors.New("no secret key loaded: give --secret-key or FRESCO_SECRET_KEY_FILE")

// UseSecretKeys sets the keys that seal and open stored secrets: the
// keyring's current key seals, every key in it opens. Call it once, before
// the DB is shared.
func (db *DB) UseSecretKeys(k *secret.Keyring) {
	db.keys = k
	if db.dashboards != nil {
		db.dashboards.keys = k
	}
}

// SecretKeys is the keyring of UseSecretKeys (nil before it): signed
// customer links are signed with it (package prefs).
func (db *DB) SecretKeys() *secret.Keyring { return db.keys }

// HasSecretKeys says whether UseSecretKeys was called.
func (db *DB) HasSecretKeys() bool { return db.keys != nil }

func (db *DB) seal(plain, purpose string) (string, error) {
	if db.keys == nil {
		return "", ErrNoSecretKey
	}
	return db.keys.Seal(plain, purpose)
}

// openSecret opens a stored value; what names it in errors.
func (db *DB) openSecret(value, purpose, what string) (string, error) {
	if db.keys == nil {
		return "", ErrNoSecretKey
	}
	plain, err := db.keys.Open(value, purpose)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return plain, nil
}

// EnsureSealedSetting stores plain, sealed, under key unless a value is
// there already, and returns the stored value opened: the first writer
// wins, also across replicas.
func (db *DB) EnsureSealedSetting(ctx context.Context, key, plain string) (string, error) {
	sealed, err := db.seal(plain, settingPurpose(key))
	if err != nil {
		return "", err
	}
	stored, err := db.EnsureSetting(ctx, key, sealed)
	if err != nil {
		return "", err
	}
	return db.openSecret(stored, settingPurpose(key), "setting "+key)
}

// storedSecret is one sealed (or, from an older Fresco, plain) value and
// how to replace it.
type storedSecret struct {
	what, purpose, value string
	replace              string // UPDATE … SET col = ? WHERE key = ? AND col = ?
	key                  any
}

func storedSecrets(ctx context.Context, q Querier) ([]storedSecret, error) {
	// Deleted subscriptions keep their secret (the rows stay for the
	// delivery history), so they are sealed and rotated too.
	list, err := queryAll(ctx, q, func(row rowScanner) (storedSecret, error) {
		s := storedSecret{purpose: webhookSecretPurpose,
			replace: `UPDATE webhook_subscriptions SET secret = ? WHERE id = ? AND secret = ?`}
		var id int64
		err := row.Scan(&id, &s.value)
		s.what, s.key = fmt.Sprintf("webhook %d secret", id), id
		return s, err
	}, `SELECT id, secret FROM webhook_subscriptions ORDER BY id`)
	if err != nil {
		return nil, err
	}
	settings, err := queryAll(ctx, q, func(row rowScanner) (storedSecret, error) {
		s := storedSecret{replace: `UPDATE settings SET value = ? WHERE key = ? AND value = ?`}
		var key string
		err := row.Scan(&key, &s.value)
		s.what, s.purpose, s.key = "setting "+key, settingPurpose(key), key
		return s, err
	}, `SELECT key, value FROM settings WHERE key IN (`+placeholders(len(sealedSettings))+`) ORDER BY key`, anySlice(sealedSettings)...)
	return append(list, settings...), err
}

func anySlice[T any](list []T) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = v
	}
	return out
}

// SealSecrets checks, in one transaction, that every stored secret opens
// with the loaded keys, and seals those an older Fresco stored in plain
// text. With reseal it seals every one anew with the current key: that is
// key rotation, after which the earlier keys are no longer needed. The
// plain values do not change, so webhook receivers and survey links already
// sent notice nothing. It returns how many values it wrote.
func (db *DB) SealSecrets(ctx context.Context, reseal bool) (int, error) {
	if db.keys == nil {
		return 0, ErrNoSecretKey
	}
	written := 0
	err := db.InTx(ctx, func(tx *Tx) error {
		written = 0
		list, err := storedSecrets(ctx, tx)
		if err != nil {
			return err
		}
		for _, s := range list {
			plain := s.value
			if secret.IsSealed(s.value) {
				if plain, err = db.openSecret(s.value, s.purpose, s.what); err != nil {
					return err
				}
				if !reseal {
					continue
				}
			}
			sealed, err := db.seal(plain, s.purpose)
			if err != nil {
				return err
			}
			// The stored value is compared too, so that two replicas
			// sealing at start at once do not overwrite each other.
			if _, err := tx.Exec(ctx, s.replace, sealed, s.key, s.value); err != nil {
				return fmt.Errorf("%s: %w", s.what, err)
			}
			written++
		}
		return nil
	})
	return written, err
}

// PlaintextSecrets is the doctor's check for secrets an older Fresco stored
// in plain text: the ids are webhook subscriptions'; a plain survey-link key
// counts without an id. Fresco seals them at start.
func (db *DB) PlaintextSecrets(ctx context.Context) (Finding, error) {
	f := Finding{Check: "plaintext_secrets",
		Problem: "webhook secrets or the survey-link key stored in plain text by an earlier version",
		Repair:  "encrypted with the secret key (also done by the next fresco serve)"}
	list, err := storedSecrets(ctx, db)
	if err != nil {
		return f, err
	}
	var webhooks []int64
	plainSettings := 0
	for _, s := range list {
		if secret.IsSealed(s.value) {
			continue
		}
		if id, ok := s.key.(int64); ok {
			webhooks = append(webhooks, id)
		} else {
			plainSettings++
		}
	}
	f = f.with(webhooks)
	f.Count += plainSettings
	return f, nil
}
