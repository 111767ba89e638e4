// Package prefs lets customers decide what Fresco sends them: the signed
// link every customer e-mail carries, the one-click unsubscribe behind its
// List-Unsubscribe header (RFC 8058), and the preference page where a
// customer changes their consents and language without logging in. Every
// change is audited with the customer as the actor.
package prefs

import (
	"encoding/binary"
	"errors"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/secret"
)

// Customer links. A token is base64url(scope ‖ customer id ‖ MAC[:16]),
// signed by the server's secret keyring (secret.Keyring.SignToken, the
// token shape survey links use). It does not expire — an unsubscribe link
// in an old e-mail must still work — and is revoked by key rotation: once
// the key that signed it is no longer loaded, it is refused.

// Scope is what a link's one-click unsubscribe turns off. Every scope
// opens the preference page.
type Scope byte

// Scopes.
const (
	// ScopeSurveys: the mail was a survey invitation or reminder; only
	// consent_surveys goes.
	ScopeSurveys Scope = 's'
	// ScopeAll: any other customer mail; surveys and marketing go.
	ScopeAll Scope = 'a'
)

// ScopeOf is the scope of a link in a mail sent for purpose
// (fresco.EmailPurpose…).
func ScopeOf(purpose string) Scope {
	switch purpose {
	case fresco.EmailPurposeInvitation, fresco.EmailPurposeReminder:
		return ScopeSurveys
	}
	return ScopeAll
}

// tokenPurpose names customer links to the keyring, so that no other
// token signed by it reads as one.
const tokenPurpose = "customer link v1"

const tokenPayload = 1 + 8

// ErrLinkInvalid is the answer to a forged, altered, revoked or truncated
// link, or one naming a customer who is no longer there.
var ErrLinkInvalid = &fresco.Error{Code: fresco.ENOTFOUND,
	Message: "this link is not valid: check that it was copied whole, or use the link in a more recent e-mail"}

// Link is what a valid token says.
type Link struct {
	CustomerID int64
	Scope      Scope
}

// Token signs a link for customerID with keys' current key.
func Token(keys *secret.Keyring, customerID int64, scope Scope) string {
	buf := make([]byte, tokenPayload)
	buf[0] = byte(scope)
	binary.BigEndian.PutUint64(buf[1:], uint64(customerID))
	return keys.SignToken(tokenPurpose, buf)
}

// ParseToken checks a token's signature against every loaded key and
// returns its link, or ErrLinkInvalid.
func ParseToken(keys *secret.Keyring, token string) (Link, error) {
	if keys == nil {
		return Link{}, errors.New("prefs: no secret key loaded to check customer links")
	}
	raw, err := keys.OpenToken(tokenPurpose, token, tokenPayload)
	if err != nil {
		return Link{}, ErrLinkInvalid
	}
	l := Link{Scope: Scope(raw[0]), CustomerID: int64(binary.BigEndian.Uint64(raw[1:]))}
	if l.CustomerID <= 0 || (l.Scope != ScopeSurveys && l.Scope != ScopeAll) {
		return Link{}, ErrLinkInvalid
	}
	return l, nil
}

// UnsubscribePath is the one-click unsubscribe URL's path (POST turns the
// consent off, GET asks to confirm).
func UnsubscribePath(token string) string { return "/u/" + token }

// PreferencesPath is the preference page's path.
func PreferencesPath(token string) string { return "/p/" + token }
