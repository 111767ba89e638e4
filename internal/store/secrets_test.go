package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

const (
	hookSecret = "whsec_the-receiver-knows-this"
	linkKey    = "00112233445566778899aabbccddeeff"
)

// rawSecrets reads the stored form of every secret, as someone with a copy
// of the database would.
func rawSecrets(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	rows, err := db.Query(ctx, `SELECT secret FROM webhook_subscriptions UNION ALL SELECT value FROM settings WHERE key = ?`, store.SettingSurveyLinkKey)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSecretsAreSealedAtRest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := &fresco.Webhook{URL: "https://example.com/hook", Events: []string{"*"}, Secret: hookSecret}
		if err := db.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
		if got, err := db.EnsureSealedSetting(ctx, store.SettingSurveyLinkKey, linkKey); err != nil || got != linkKey {
			t.Fatalf("EnsureSealedSetting = %q, %v", got, err)
		}
		// The first writer wins: a second value is not stored.
		if got, err := db.EnsureSealedSetting(ctx, store.SettingSurveyLinkKey, "ffff"); err != nil || got != linkKey {
			t.Fatalf("second EnsureSealedSetting = %q, %v; want the first key", got, err)
		}
		raw := rawSecrets(t, db)
		if len(raw) != 2 {
			t.Fatalf("stored secrets %q, want 2", raw)
		}
		for _, v := range raw {
			if !secret.IsSealed(v) || strings.Contains(v, hookSecret) || strings.Contains(v, linkKey) {
				t.Errorf("stored %q: not sealed", v)
			}
		}
		// Every read path opens it.
		one, err := db.Webhook(ctx, w.ID)
		if err != nil || one.Secret != hookSecret {
			t.Fatalf("Webhook: %q, %v", one.Secret, err)
		}
		list, err := db.ListWebhooks(ctx)
		if err != nil || len(list) != 1 || list[0].Secret != hookSecret {
			t.Fatalf("ListWebhooks: %v, %v", list, err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			active, err := tx.ActiveWebhooks(ctx)
			if err == nil && (len(active) != 1 || active[0].Secret != hookSecret) {
				t.Errorf("ActiveWebhooks: %v", active)
			}
			if err != nil {
				return err
			}
			return tx.InsertDelivery(ctx, &fresco.WebhookDelivery{UID: "d1", SubscriptionID: w.ID, Event: "x", Payload: []byte("{}")})
		})
		if err != nil {
			t.Fatal(err)
		}
		deliveries, err := db.ListDeliveries(ctx, w.ID, 0, 10)
		if err != nil || len(deliveries) != 1 {
			t.Fatalf("deliveries %v, %v", deliveries, err)
		}
		if _, hook, err := db.Delivery(ctx, deliveries[0].ID); err != nil || hook.Secret != hookSecret {
			t.Fatalf("Delivery: %v, %v", hook, err)
		}
	})
}

// A database from before sealing: the doctor reports its plain secrets,
// SealSecrets seals them in place, and reads then give the same values.
func TestPlaintextSecretsFromAnEarlierVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, `INSERT INTO webhook_subscriptions (url, events, secret, active, created_by, created_at)
			VALUES ('https://example.com/old', '["*"]', ?, TRUE, 'test', CURRENT_TIMESTAMP)`, hookSecret); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSetting(ctx, store.SettingSurveyLinkKey, linkKey); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ListWebhooks(ctx); !errors.Is(err, secret.ErrNotSealed) {
			t.Fatalf("a plain secret is read as it is (%v): whoever can write the table would choose it", err)
		}
		f, err := db.PlaintextSecrets(ctx)
		if err != nil || f.Count != 2 || len(f.Examples) != 1 {
			t.Fatalf("doctor finding %+v, %v; want the webhook and the link key", f, err)
		}
		if n, err := db.SealSecrets(ctx, false); err != nil || n != 2 {
			t.Fatalf("SealSecrets = %d, %v; want 2", n, err)
		}
		for _, v := range rawSecrets(t, db) {
			if !secret.IsSealed(v) {
				t.Errorf("still plain: %q", v)
			}
		}
		if f, _ := db.PlaintextSecrets(ctx); f.Count != 0 {
			t.Errorf("after sealing the doctor still finds %d", f.Count)
		}
		list, err := db.ListWebhooks(ctx)
		if err != nil || list[0].Secret != hookSecret {
			t.Fatalf("after sealing: %v, %v", list, err)
		}
		if got, err := db.EnsureSealedSetting(ctx, store.SettingSurveyLinkKey, "ffff"); err != nil || got != linkKey {
			t.Fatalf("link key after sealing = %q, %v", got, err)
		}
		if n, err := db.SealSecrets(ctx, false); err != nil || n != 0 {
			t.Errorf("a second start sealed %d (%v), want 0", n, err)
		}
	})
}

func TestRotateSecretKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		oldKey, newKey := secret.NewKey(), secret.NewKey()
		mustKeys := func(text string) *secret.Keyring {
			k, err := secret.ParseKeys(text)
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		db.UseSecretKeys(mustKeys(oldKey))
		w := &fresco.Webhook{URL: "https://example.com/hook", Events: []string{"*"}, Secret: hookSecret}
		if err := db.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
		if _, err := db.EnsureSealedSetting(ctx, store.SettingSurveyLinkKey, linkKey); err != nil {
			t.Fatal(err)
		}
		before := rawSecrets(t, db)

		// A wrong key: a clear error naming the value and the key it needs,
		// and nothing written.
		db.UseSecretKeys(mustKeys(secret.NewKey() + "\n" + secret.NewKey()))
		_, err := db.SealSecrets(ctx, true)
		if !errors.Is(err, secret.ErrUnknownKey) || !strings.Contains(err.Error(), "webhook") ||
			!strings.Contains(err.Error(), mustKeys(oldKey).CurrentID()) {
			t.Fatalf("wrong key: %v; want ErrUnknownKey naming the webhook and key %s", err, mustKeys(oldKey).CurrentID())
		}
		if _, err := db.Webhook(ctx, w.ID); !errors.Is(err, secret.ErrUnknownKey) {
			t.Fatalf("read with a wrong key: %v", err)
		}
		if after := rawSecrets(t, db); strings.Join(after, ",") != strings.Join(before, ",") {
			t.Fatal("a failed rotation changed stored values")
		}

		// Rotation: the new key seals, the old one opens.
		db.UseSecretKeys(mustKeys(newKey + "\n" + oldKey))
		if n, err := db.SealSecrets(ctx, true); err != nil || n != 2 {
			t.Fatalf("rotate = %d, %v; want 2", n, err)
		}
		for _, v := range rawSecrets(t, db) {
			if secret.SealedKeyID(v) != mustKeys(newKey).CurrentID() {
				t.Errorf("%q: not sealed with the new key", v)
			}
		}
		// Afterwards the new key alone suffices, and the values are the same.
		db.UseSecretKeys(mustKeys(newKey))
		if got, err := db.Webhook(ctx, w.ID); err != nil || got.Secret != hookSecret {
			t.Fatalf("after rotation: %v, %v", got, err)
		}
		if got, err := db.EnsureSealedSetting(ctx, store.SettingSurveyLinkKey, "ffff"); err != nil || got != linkKey {
			t.Fatalf("link key after rotation = %q, %v", got, err)
		}
		db.UseSecretKeys(mustKeys(oldKey))
		if _, err := db.Webhook(ctx, w.ID); !errors.Is(err, secret.ErrUnknownKey) {
			t.Fatalf("the retired key still opens: %v", err)
		}
	})
}

func TestNoSecretKey(t *testing.T) {
	t.Parallel()
	db, err := store.Open(context.Background(), storetest.SQLiteURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.CreateWebhook(context.Background(), &fresco.Webhook{URL: "https://example.com", Events: []string{"*"}, Secret: hookSecret})
	if !errors.Is(err, store.ErrNoSecretKey) || !strings.Contains(err.Error(), "--secret-key") {
		t.Fatalf("CreateWebhook without a key: %v", err)
	}
	if _, err := db.SealSecrets(context.Background(), false); !errors.Is(err, store.ErrNoSecretKey) {
		t.Fatalf("SealSecrets without a key: %v", err)
	}
}
