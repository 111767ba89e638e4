// Package webhook verifies the webhooks Fresco sends, for receivers written
// in Go. It depends on the standard library only.
//
// Fresco signs every delivery in the Standard Webhooks format
// (https://www.standardwebhooks.com):
//
//	webhook-id:        evt_3f0c9a61d2b84e5f0a7c1d22   (the same on every retry)
//	webhook-timestamp: 1795000000                      (Unix seconds)
//	webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>
//
// The signature header may hold several space-separated signatures (during a
// secret rotation, or in later versions of the scheme); one matching v1
// signature is enough. The key is the subscription's secret: for a secret of
// the form "whsec_<base64>" (what Fresco generates) the decoded bytes, as the
// Standard Webhooks libraries read it; for any other secret its bytes as
// they are.
//
// Deliveries also carry Fresco's first format, X-Fresco-Signature
// ("t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>"), which
// [Verifier] accepts when the Standard Webhooks headers are absent. That
// format is deprecated and will be dropped in a future major version; set
// [Verifier.RejectLegacy] to refuse it now.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks request headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// LegacyHeaderSignature carries Fresco's first signature format.
//
// Deprecated: verify the Standard Webhooks headers; Fresco sends both for
// now.
const LegacyHeaderSignature = "X-Fresco-Signature"

// DefaultTolerance is how far a delivery's timestamp may be from the
// receiver's clock, either way, unless Verifier.Tolerance says otherwise.
const DefaultTolerance = 5 * time.Minute

// Why a delivery did not verify; Verify wraps one of these.
var (
	ErrNoSignature = errors.New("webhook: no signature headers")
	ErrMalformed   = errors.New("webhook: malformed signature headers")
	ErrTimestamp   = errors.New("webhook: timestamp too far from now")
	ErrMismatch    = errors.New("webhook: no signature matches")
)

// Verifier checks that deliveries come from Fresco and are recent. The zero
// value of every field but Secret is a sensible default.
type Verifier struct {
	// Secret is the subscription's secret, as Fresco returned it when the
	// subscription was made (or as you gave it).
	Secret string
	// Tolerance bounds the age (and the clock skew) of a delivery, which
	// stops replays of old ones; 0 means DefaultTolerance.
	Tolerance time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RejectLegacy refuses deliveries signed only in the deprecated
	// X-Fresco-Signature format.
	RejectLegacy bool
}

// Verify checks the signature headers of a delivery against its raw body,
// the bytes as received, before any JSON decoding. It returns nil if the
// delivery is authentic and within the tolerance.
func (v Verifier) Verify(h http.Header, body []byte) error {
	if h.Get(HeaderSignature) != "" {
		return v.verifyStandard(h, body)
	}
	if h.Get(LegacyHeaderSignature) != "" && !v.RejectLegacy {
		return v.verifyLegacy(h.Get(LegacyHeaderSignature), body)
	}
	return ErrNoSignature
}

func (v Verifier) verifyStandard(h http.Header, body []byte) error {
	id, ts := h.Get(HeaderID), h.Get(HeaderTimestamp)
	if id == "" || ts == "" {
		return fmt.Errorf("%w: %s and %s are required with %s", ErrMalformed, HeaderID, HeaderTimestamp, HeaderSignature)
	}
	if err := v.checkTimestamp(ts); err != nil {
		return err
	}
	want := mac(standardKey(v.Secret), body, id, ts)
	for sig := range strings.FieldsSeq(h.Get(HeaderSignature)) {
		version, encoded, _ := strings.Cut(sig, ",")
		if version != "v1" {
			continue // other schemes, e.g. asymmetric v1a
		}
		got, err := base64.StdEncoding.DecodeString(encoded)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrMismatch
}

func (v Verifier) verifyLegacy(header string, body []byte) error {
	var ts string
	var sigs []string
	for part := range strings.SplitSeq(header, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = val
		case "v1":
			sigs = append(sigs, val)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return fmt.Errorf("%w: %s must be t=<unix>,v1=<hex>", ErrMalformed, LegacyHeaderSignature)
	}
	if err := v.checkTimestamp(ts); err != nil {
		return err
	}
	want := mac([]byte(v.Secret), body, ts)
	for _, s := range sigs {
		got, err := hex.DecodeString(s)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrMismatch
}

func (v Verifier) checkTimestamp(ts string) error {
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrMalformed, ts)
	}
	tolerance, now := v.Tolerance, time.Now
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if v.Now != nil {
		now = v.Now
	}
	if d := now().Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %s away", ErrTimestamp, d.Round(time.Second))
	}
	return nil
}

// Sign returns the webhook-signature value of a delivery:
// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>".
func Sign(secret, id string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "v1," + base64.StdEncoding.EncodeToString(mac(standardKey(secret), body, id, ts))
}

// SignLegacy returns the X-Fresco-Signature value of a delivery:
// "t=<unix>,v1=<hex HMAC-SHA256(secret, unix.body)>".
//
// Deprecated: use Sign.
func SignLegacy(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac([]byte(secret), body, ts))
}

// mac is HMAC-SHA256 of the fields, each followed by a full stop, then the
// body.
func mac(key, body []byte, fields ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, f := range fields {
		m.Write([]byte(f))
		m.Write([]byte("."))
	}
	m.Write(body)
	return m.Sum(nil)
}

// standardKey is the HMAC key of the Standard Webhooks signature: Standard
// Webhooks libraries take a "whsec_" secret as base64, and any other secret
// (those given to Fresco by hand) as raw bytes.
func standardKey(secret string) []byte {
	if encoded, ok := strings.CutPrefix(secret, "whsec_"); ok {
		if key, err := base64.StdEncoding.DecodeString(encoded); err == nil && len(key) > 0 {
			return key
		}
	}
	return []byte(secret)
}
