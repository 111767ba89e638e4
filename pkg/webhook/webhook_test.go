package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/pkg/webhook"
)

// The test vector of the Standard Webhooks specification: matching it means
// the specification's own libraries verify what Fresco signs.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var vectorTime = time.Unix(1614265330, 0)

func standardHeaders(id, ts, sig string) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderID, id)
	h.Set(webhook.HeaderTimestamp, ts)
	h.Set(webhook.HeaderSignature, sig)
	return h
}

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestSignMatchesTheSpecificationVector(t *testing.T) {
	if got := webhook.Sign(vectorSecret, vectorID, vectorTime, []byte(vectorBody)); got != vectorSignature {
		t.Errorf("Sign = %s, want %s", got, vectorSignature)
	}
}

func TestVerifyStandard(t *testing.T) {
	body := []byte(vectorBody)
	v := webhook.Verifier{Secret: vectorSecret, Now: at(vectorTime.Add(time.Minute))}
	otherSig := webhook.Sign("whsec_b3RoZXItc2VjcmV0LW9mLXRoZS1yb3RhdGlvbg==", vectorID, vectorTime, body)
	for _, tc := range []struct {
		name   string
		h      http.Header
		body   []byte
		v      webhook.Verifier
		wantIs error // nil: verifies
	}{
		{"vector", standardHeaders(vectorID, "1614265330", vectorSignature), body, v, nil},
		{"one of several", standardHeaders(vectorID, "1614265330", otherSig+" v1a,AAAA "+vectorSignature), body, v, nil},
		{"other versions only", standardHeaders(vectorID, "1614265330", "v1a,"+vectorSignature[3:]), body, v, webhook.ErrMismatch},
		{"tampered body", standardHeaders(vectorID, "1614265330", vectorSignature), []byte(`{"test": 2432232315}`), v, webhook.ErrMismatch},
		{"other id", standardHeaders("msg_other", "1614265330", vectorSignature), body, v, webhook.ErrMismatch},
		{"wrong secret", standardHeaders(vectorID, "1614265330", otherSig), body, v, webhook.ErrMismatch},
		{"not base64", standardHeaders(vectorID, "1614265330", "v1,%%%"), body, v, webhook.ErrMismatch},
		{"too old", standardHeaders(vectorID, "1614265330", vectorSignature), body,
			webhook.Verifier{Secret: vectorSecret, Now: at(vectorTime.Add(6 * time.Minute))}, webhook.ErrTimestamp},
		{"from the future", standardHeaders(vectorID, "1614265330", vectorSignature), body,
			webhook.Verifier{Secret: vectorSecret, Now: at(vectorTime.Add(-6 * time.Minute))}, webhook.ErrTimestamp},
		{"wider tolerance", standardHeaders(vectorID, "1614265330", vectorSignature), body,
			webhook.Verifier{Secret: vectorSecret, Tolerance: time.Hour, Now: at(vectorTime.Add(59 * time.Minute))}, nil},
		{"timestamp not a number", standardHeaders(vectorID, "1614265330.0", vectorSignature), body, v, webhook.ErrMalformed},
		{"no id", standardHeaders("", "1614265330", vectorSignature), body, v, webhook.ErrMalformed},
		{"no headers", http.Header{}, body, v, webhook.ErrNoSignature},
	} {
		err := tc.v.Verify(tc.h, tc.body)
		if (tc.wantIs == nil && err != nil) || (tc.wantIs != nil && !errors.Is(err, tc.wantIs)) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.wantIs)
		}
	}
}

// A secret given by hand (not "whsec_<base64>") is the HMAC key as it is.
func TestSecretWithoutPrefixIsRawKey(t *testing.T) {
	secret, body := "a long random shared secret", []byte(`{}`)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("evt_1.1614265330.{}"))
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got := webhook.Sign(secret, "evt_1", vectorTime, body); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

// The deprecated X-Fresco-Signature format still verifies on its own,
// unless the receiver has opted out.
func TestVerifyLegacy(t *testing.T) {
	secret, body := "whsec_0123456789abcdef0123456789abcdef0123456789abcdef", []byte(`{"id":"evt_1"}`)
	legacy := http.Header{}
	legacy.Set(webhook.LegacyHeaderSignature, webhook.SignLegacy(secret, vectorTime, body))
	v := webhook.Verifier{Secret: secret, Now: at(vectorTime)}
	if err := v.Verify(legacy, body); err != nil {
		t.Errorf("legacy: %v", err)
	}
	if err := (webhook.Verifier{Secret: "another-secret-of-length", Now: at(vectorTime)}).Verify(legacy, body); !errors.Is(err, webhook.ErrMismatch) {
		t.Errorf("legacy with a wrong secret: %v", err)
	}
	if err := (webhook.Verifier{Secret: secret, Now: at(vectorTime.Add(time.Hour))}).Verify(legacy, body); !errors.Is(err, webhook.ErrTimestamp) {
		t.Errorf("old legacy: %v", err)
	}
	if err := (webhook.Verifier{Secret: secret, Now: at(vectorTime), RejectLegacy: true}).Verify(legacy, body); !errors.Is(err, webhook.ErrNoSignature) {
		t.Errorf("legacy refused: %v", err)
	}
	malformed := http.Header{}
	malformed.Set(webhook.LegacyHeaderSignature, "v1=abc")
	if err := v.Verify(malformed, body); !errors.Is(err, webhook.ErrMalformed) {
		t.Errorf("legacy without t: %v", err)
	}
	// With both formats present the Standard Webhooks one decides.
	both := legacy.Clone()
	both.Set(webhook.HeaderID, "evt_1")
	both.Set(webhook.HeaderTimestamp, "1614265330")
	both.Set(webhook.HeaderSignature, "v1,AAAA")
	if err := v.Verify(both, body); !errors.Is(err, webhook.ErrMismatch) {
		t.Errorf("a bad standard signature beside a good legacy one: %v", err)
	}
}
