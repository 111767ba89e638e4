package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// TokenPrefix starts every API token, so that a leaked token is easy to
// recognise (and for secret scanners to find).
const TokenPrefix = "fresco_"

// NewAPIToken returns a new API token — 32 random bytes, URL-safe base64,
// prefixed — and the hash to store. The token itself is shown once and never
// stored.
func NewAPIToken() (token, hash string, err error) {
	raw, err := randomString()
	if err != nil {
		return "", "", err
	}
	token = TokenPrefix + raw
	return token, HashToken(token), nil
}

// NewSessionID returns a new session id for the cookie and its hash for the
// sessions table.
func NewSessionID() (id, hash string, err error) {
	id, err = randomString()
	if err != nil {
		return "", "", err
	}
	return id, HashToken(id), nil
}

// HashToken is the SHA-256 of a token or session id, hex-encoded. A plain
// hash is enough here: the secret has 256 bits of entropy, so there is
// nothing to brute-force, and lookups by hash stay a single index probe.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomString() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
