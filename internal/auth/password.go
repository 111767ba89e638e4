package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Password rules.
const (
	MinPasswordLength = 10   // characters
	MaxPasswordLength = 1024 // bytes; argon2 would take more, but nobody types that
)

// Argon2Params are the argon2id cost parameters. DefaultArgon2 follows the
// OWASP password storage recommendation (19 MiB, 2 passes, 1 lane); the
// parameters travel inside every hash, so raising them later still verifies
// old hashes.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultArgon2 is what HashPassword uses.
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// CheckPassword enforces the password rules and names the field "password".
func CheckPassword(password string) error {
	var v fresco.Validation
	switch {
	case !utf8.ValidString(password):
		v.Add("password", "is not valid UTF-8")
	case utf8.RuneCountInString(password) < MinPasswordLength:
		v.Add("password", "must be at least %d characters", MinPasswordLength)
	case len(password) > MaxPasswordLength:
		v.Add("password", "must be at most %d bytes", MaxPasswordLength)
	}
	return v.Err()
}

// HashPassword returns the argon2id hash of password in the PHC string
// format, e.g. $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(password string) (string, error) {
	if err := CheckPassword(password); err != nil {
		return "", err
	}
	return hashWith(DefaultArgon2, password)
}

func hashWith(p Argon2Params, password string) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// VerifyPassword reports whether password matches the PHC-format argon2id
// hash. The comparison takes constant time. An error means the stored hash
// itself is unusable.
func VerifyPassword(password, encoded string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// parseHash reads $argon2id$v=19$m=…,t=…,p=…$salt$hash, refusing parameters
// that would let a tampered hash exhaust the server.
func parseHash(encoded string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.Memory < 8 || p.Memory > 1<<20 || p.Time < 1 || p.Time > 32 || p.Threads < 1 || p.Threads > 64 {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return p, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// dummyHash is verified against when the account does not exist or has no
// password, so that a login for an unknown user costs as much as a wrong
// password and response times do not reveal which accounts exist.
var dummyHash = func() string {
	h, err := hashWith(DefaultArgon2, "fresco dummy password for timing")
	if err != nil {
		panic(err)
	}
	return h
}()
