package secret

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func keyring(t *testing.T, text string) *Keyring {
	t.Helper()
	k, err := ParseKeys(text)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := keyring(t, NewKey())
	sealed, err := k.Seal("whsec_abc", "webhook")
	if err != nil {
		t.Fatal(err)
	}
	if !IsSealed(sealed) || strings.Contains(sealed, "whsec_abc") || SealedKeyID(sealed) != k.CurrentID() {
		t.Fatalf("sealed value %q: want enc:v1:%s:… without the plain text", sealed, k.CurrentID())
	}
	again, _ := k.Seal("whsec_abc", "webhook")
	if again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not fresh")
	}
	plain, err := k.Open(sealed, "webhook")
	if err != nil || plain != "whsec_abc" {
		t.Fatalf("Open = %q, %v", plain, err)
	}
}

func TestOpenRefusesWhatItCannotTrust(t *testing.T) {
	k := keyring(t, NewKey())
	sealed, _ := k.Seal("link key", "settings:feedback.link_key")
	other := keyring(t, NewKey())
	flipped := []byte(sealed)
	flipped[len(flipped)-3] ^= 1
	// A key whose id collides with the sealing one's cannot be made at
	// will; relabel the value instead to reach the AEAD check.
	relabelled := strings.Replace(sealed, k.CurrentID(), other.CurrentID(), 1)
	for _, c := range []struct {
		name, value, purpose string
		k                    *Keyring
		want                 error
	}{
		{"plain text", "whsec_plain", "x", k, ErrNotSealed},
		{"another key", sealed, "settings:feedback.link_key", other, ErrUnknownKey},
		{"wrong key with the right id", relabelled, "settings:feedback.link_key", other, ErrCorrupt},
		{"altered", string(flipped), "settings:feedback.link_key", k, ErrCorrupt},
		{"another purpose", sealed, "webhook", k, ErrCorrupt},
		{"no key id", Prefix + "abc", "x", k, ErrCorrupt},
		{"not base64", Prefix + k.CurrentID() + ":!!", "x", k, ErrCorrupt},
	} {
		t.Run(c.name, func(t *testing.T) {
			plain, err := c.k.Open(c.value, c.purpose)
			if !errors.Is(err, c.want) || plain != "" {
				t.Fatalf("Open = %q, %v; want %v", plain, err, c.want)
			}
		})
	}
	_, err := other.Open(sealed, "settings:feedback.link_key")
	if !strings.Contains(err.Error(), k.CurrentID()) {
		t.Fatalf("%v: does not name the key id %s the value needs", err, k.CurrentID())
	}
}

func TestRotationKeyring(t *testing.T) {
	oldKey, newKey := NewKey(), NewKey()
	old := keyring(t, oldKey)
	sealedOld, _ := old.Seal("s", "p")
	both := keyring(t, newKey+"\n"+oldKey+"\n")
	if both.CurrentID() == old.CurrentID() || len(both.IDs()) != 2 {
		t.Fatalf("keyring %v: want the new key current and the old one loaded", both.IDs())
	}
	if plain, err := both.Open(sealedOld, "p"); err != nil || plain != "s" {
		t.Fatalf("an earlier key does not open: %q, %v", plain, err)
	}
	sealedNew, _ := both.Seal("s", "p")
	if SealedKeyID(sealedNew) != both.CurrentID() {
		t.Fatal("seals with an earlier key")
	}
	if _, err := old.Open(sealedNew, "p"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("the old key alone opens a value sealed with the new one: %v", err)
	}
}

func TestParseKeys(t *testing.T) {
	raw := make([]byte, KeySize)
	for i := range raw {
		raw[i] = byte(i)
	}
	hexKey := hex.EncodeToString(raw)
	for _, text := range []string{hexKey, NewKey() + "," + hexKey, "# made 2026-01-01, by ops\r\n" + hexKey + "\r\n"} {
		if _, err := ParseKeys(text); err != nil {
			t.Errorf("ParseKeys(%q): %v", text, err)
		}
	}
	for _, text := range []string{"", "\n", "correct horse battery staple", hexKey[:62], NewKey() + ",short"} {
		if _, err := ParseKeys(text); err == nil {
			t.Errorf("ParseKeys(%q) accepted", text)
		}
	}
	_, err := ParseKeys("hunter2")
	if !strings.Contains(err.Error(), "new-key") {
		t.Errorf("%v: does not say how to make a key", err)
	}
}

// A keyring-signed token opens with the key that signed it while that key
// is loaded, for its purpose only; any altered spelling is refused, and
// rotation revokes it once the old key is dropped.
func TestKeyringTokensAreRevokedByRotation(t *testing.T) {
	oldKey, newKey := NewKey(), NewKey()
	old := keyring(t, oldKey)
	payload := []byte("customer 42")
	token := old.SignToken("customer link", payload)
	if got, err := old.OpenToken("customer link", token, len(payload)); err != nil || string(got) != "customer 42" {
		t.Fatalf("OpenToken = %q, %v", got, err)
	}
	if _, err := old.OpenToken("survey link", token, len(payload)); !errors.Is(err, ErrBadToken) {
		t.Errorf("token opened for another purpose: %v", err)
	}
	for i := range token {
		for _, c := range []byte{'A', '_', '-', 'z'} {
			if token[i] == c {
				continue
			}
			bad := token[:i] + string(c) + token[i+1:]
			if _, err := old.OpenToken("customer link", bad, len(payload)); err == nil {
				t.Fatalf("altered token %q (char %d) accepted", bad, i)
			}
		}
	}
	for _, bad := range []string{"", token[:len(token)-1], token + "A", strings.ToUpper(token)} {
		if _, err := old.OpenToken("customer link", bad, len(payload)); err == nil {
			t.Errorf("token %q accepted", bad)
		}
	}
	// Rotation: the new key signs, the old one still opens what it signed …
	rotating := keyring(t, newKey+"\n"+oldKey)
	if _, err := rotating.OpenToken("customer link", token, len(payload)); err != nil {
		t.Errorf("during rotation the old token is refused: %v", err)
	}
	if rotating.SignToken("customer link", payload) == token {
		t.Error("the new key signs like the old one")
	}
	// … until it is dropped.
	if _, err := keyring(t, newKey).OpenToken("customer link", token, len(payload)); !errors.Is(err, ErrBadToken) {
		t.Errorf("after rotation the old token opens: %v", err)
	}
}
