// API tokens for machine clients (internal/auth checks them).

package fresco

import "time"

// APIToken is a bearer token for machine clients. Only a hash of the token is
// stored; the caller hashes the secret before every store call.
type APIToken struct {
	ID         int64
	Name       string
	Role       Role
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}
