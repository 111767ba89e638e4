package webhook_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/pkg/webhook"
)

// A receiver checks every delivery against the raw body before it parses
// it, and answers at once; the work is done later, once per webhook-id.
func Example() {
	verifier := webhook.Verifier{Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := verifier.Verify(r.Header, body); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fmt.Println("delivery", r.Header.Get(webhook.HeaderID), "verified")
		w.WriteHeader(http.StatusNoContent)
	})

	// What Fresco sends, signed here for the example.
	body := `{"id":"evt_3f0c9a61d2b84e5f0a7c1d22","event":"response.detractor","data":{}}`
	now := time.Now()
	req := httptest.NewRequest(http.MethodPost, "/hooks/fresco", strings.NewReader(body))
	req.Header.Set(webhook.HeaderID, "evt_3f0c9a61d2b84e5f0a7c1d22")
	req.Header.Set(webhook.HeaderTimestamp, fmt.Sprint(now.Unix()))
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(verifier.Secret, "evt_3f0c9a61d2b84e5f0a7c1d22", now, []byte(body)))
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		log.Fatal(rec.Code, rec.Body)
	}
	// Output: delivery evt_3f0c9a61d2b84e5f0a7c1d22 verified
}
