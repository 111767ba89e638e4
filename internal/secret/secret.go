// Package secret seals the few values Fresco must be able to read back but
// that nobody who reads the database (or a backup of it) should learn: the
// key that signs survey links and the secrets that sign webhooks.
//
// A sealed value is text, so it fits the columns that held the plain value:
//
//	enc:v1:<key id>:<base64url(nonce ‖ AES-256-GCM ciphertext)>
//
// The key id is derived from the key, so a value names the key it needs and
// rotation works by loading several keys: the first (current) seals, every
// loaded key opens. The purpose (which column or setting the value lives in)
// is authenticated too, so a sealed value cannot be moved to another place.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Prefix starts every sealed value; anything else is plain text.
const Prefix = "enc:v1:"

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

// Errors a caller may test with errors.Is.
var (
	ErrNotSealed  = errors.New("stored in plain text, not sealed")
	ErrUnknownKey = errors.New("sealed with a key that is not loaded")
	ErrCorrupt    = errors.New("cannot be decrypted: the key with its id does not match, or the value was altered")
)

// Keyring holds the current key and any earlier ones still accepted.
type Keyring struct {
	current string // key id
	aeads   map[string]cipher.AEAD
	macs    map[string][]byte // key id → the base of its token keys (tokenKey)
	order   []string          // key ids, current first
}

// NewKey returns a fresh random key, encoded as ParseKeys reads it.
func NewKey() string {
	k := make([]byte, KeySize)
	rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

// ParseKeys reads one or more keys, separated by newlines or commas, the
// current one first; lines starting with # are comments. A key is 32 bytes, base64 (standard or URL alphabet)
// or hex encoded; a passphrase is refused, because a guessable key would
// make the sealing pointless.
func ParseKeys(text string) (*Keyring, error) {
	var keys [][]byte
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, field := range strings.Split(line, ",") {
			field = strings.TrimSpace(field)
			if field == "" {
				continue
			}
			k, err := parseKey(field)
			if err != nil {
				return nil, fmt.Errorf("key %d: %w", len(keys)+1, err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("no key given")
	}
	return NewKeyring(keys[0], keys[1:]...)
}

func parseKey(s string) ([]byte, error) {
	for _, dec := range []func(string) ([]byte, error){
		base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString, hex.DecodeString,
	} {
		if k, err := dec(s); err == nil && len(k) == KeySize {
			return k, nil
		}
	}
	return nil, fmt.Errorf("not a key: want %d random bytes, base64 or hex encoded (fresco secrets new-key makes one)", KeySize)
}

// NewKeyring returns a keyring that seals with current and opens with it and
// every earlier key.
func NewKeyring(current []byte, earlier ...[]byte) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}, macs: map[string][]byte{}}
	for _, key := range append([][]byte{current}, earlier...) {
		if len(key) != KeySize {
			return nil, fmt.Errorf("a key is %d bytes, not %d", KeySize, len(key))
		}
		id := KeyID(key)
		if _, dup := k.aeads[id]; dup {
			continue
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads[id] = aead
		base := hmac.New(sha256.New, key)
		base.Write([]byte("fresco token keys"))
		k.macs[id] = base.Sum(nil)
		k.order = append(k.order, id)
	}
	k.current = k.order[0]
	return k, nil
}

// KeyID names a key without revealing it: the first 8 hex digits of a
// SHA-256 over the key.
func KeyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("fresco secret key id\x00"), key...))
	return hex.EncodeToString(sum[:4])
}

// CurrentID is the id of the key that seals.
func (k *Keyring) CurrentID() string { return k.current }

// IDs lists the loaded keys' ids, the current one first.
func (k *Keyring) IDs() []string { return append([]string(nil), k.order...) }

// Seal encrypts plain for the place named by purpose (e.g. a table and
// column) with the current key.
func (k *Keyring) Seal(plain, purpose string) (string, error) {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := aead.Seal(nonce, nonce, []byte(plain), []byte(purpose))
	return Prefix + k.current + ":" + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open decrypts a value Seal made for the same purpose. A plain-text value
// is ErrNotSealed, one sealed with a key not loaded ErrUnknownKey (naming
// the key id), and an altered one, or one for another purpose, ErrCorrupt.
func (k *Keyring) Open(value, purpose string) (string, error) {
	id, body, err := split(value)
	if err != nil {
		return "", err
	}
	aead, ok := k.aeads[id]
	if !ok {
		return "", fmt.Errorf("%w (key id %s; loaded: %s)", ErrUnknownKey, id, strings.Join(k.order, ", "))
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(body)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", ErrCorrupt
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(purpose))
	if err != nil {
		return "", ErrCorrupt
	}
	return string(plain), nil
}

// IsSealed says whether value is a sealed value rather than plain text.
func IsSealed(value string) bool { return strings.HasPrefix(value, Prefix) }

// SealedKeyID returns the id of the key a sealed value needs, or "" for
// plain text.
func SealedKeyID(value string) string {
	id, _, err := split(value)
	if err != nil {
		return ""
	}
	return id
}

func split(value string) (id, body string, err error) {
	if !IsSealed(value) {
		return "", "", ErrNotSealed
	}
	id, body, ok := strings.Cut(strings.TrimPrefix(value, Prefix), ":")
	if !ok || id == "" {
		return "", "", ErrCorrupt
	}
	return id, body, nil
}

// Signed tokens: base64url(payload ‖ HMAC-SHA256(key, payload)[:16]), for
// links a customer carries (survey links, preference links). The signature
// makes a token unforgeable; strict decoding gives each token exactly one
// spelling, so no altered copy of a link is ever accepted.

// ErrBadToken is a token that is not one this server signed.
var ErrBadToken = errors.New("not a valid signed token")

const tokenMACSize = 16

// SignToken signs payload with key.
func SignToken(key, payload []byte) string {
	buf := append(append(make([]byte, 0, len(payload)+tokenMACSize), payload...), tokenMAC(key, payload)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// OpenToken returns the payload of a token SignToken made with key over
// payloadLen bytes, or ErrBadToken.
func OpenToken(key []byte, token string, payloadLen int) ([]byte, error) {
	payload, mac, err := splitToken(token, payloadLen)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(tokenMAC(key, payload), mac) {
		return nil, ErrBadToken
	}
	return payload, nil
}

func splitToken(token string, payloadLen int) (payload, mac []byte, err error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(payloadLen+tokenMACSize) {
		return nil, nil, ErrBadToken
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != payloadLen+tokenMACSize {
		return nil, nil, ErrBadToken
	}
	return raw[:payloadLen], raw[payloadLen:], nil
}

func tokenMAC(key, payload []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	return mac.Sum(nil)[:tokenMACSize]
}

// SignToken signs payload for purpose (e.g. "customer link") with a key
// derived from the keyring's current key. Such tokens need no stored key
// and are revoked by key rotation: once the key that signed them is no
// longer loaded they are refused.
func (k *Keyring) SignToken(purpose string, payload []byte) string {
	return SignToken(k.tokenKey(k.current, purpose), payload)
}

// OpenToken returns the payload of a token Keyring.SignToken made for
// purpose with any loaded key, or ErrBadToken.
func (k *Keyring) OpenToken(purpose, token string, payloadLen int) ([]byte, error) {
	payload, mac, err := splitToken(token, payloadLen)
	if err != nil {
		return nil, err
	}
	for _, id := range k.order {
		if hmac.Equal(tokenMAC(k.tokenKey(id, purpose), payload), mac) {
			return payload, nil
		}
	}
	return nil, ErrBadToken
}

// tokenKey is the signing key of purpose under the key with the id: the
// key itself never signs anything, so a token reveals nothing of what
// seals the stored secrets.
func (k *Keyring) tokenKey(id, purpose string) []byte {
	mac := hmac.New(sha256.New, k.macs[id])
	mac.Write([]byte("fresco token\x00" + purpose))
	return mac.Sum(nil)
}
