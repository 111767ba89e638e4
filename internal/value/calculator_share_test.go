package value_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// TestShareLink: a share link opens for its own question until it
// expires; a changed question, a changed token, another key or a late
// visit are all refused.
func TestShareLink(t *testing.T) {
	t.Parallel()
	keys, other := storetest.Keys(t), storetest.Keys(t)
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	in, err := value.ParseSegmentQuery(url.Values{"by": {"filter"}, "source": {"Radio"}, "loyal_top": {"10"}, "customers_to": {"2025-05-31"}})
	if err != nil {
		t.Fatal(err)
	}
	token, err := value.ShareToken(keys, in, now.AddDate(0, 0, 30))
	if err != nil {
		t.Fatal(err)
	}
	path := value.SharePath(token, in)
	u, _ := url.Parse(path)
	back, err := value.ParseSegmentQuery(u.Query())
	if err != nil {
		t.Fatal(err)
	}
	if exp, err := value.OpenShare(keys, token, back, now); err != nil || !exp.Equal(now.AddDate(0, 0, 30)) {
		t.Fatalf("own link %s: %v, %v", path, exp, err)
	}
	changed := back
	changed.Filter.Source = "Facebook"
	flipped := []byte(token)
	flipped[3] ^= 1
	for name, try := range map[string]func() error{
		"another source":   func() error { _, err := value.OpenShare(keys, token, changed, now); return err },
		"a changed token":  func() error { _, err := value.OpenShare(keys, string(flipped), back, now); return err },
		"another key":      func() error { _, err := value.OpenShare(other, token, back, now); return err },
		"after it expired": func() error { _, err := value.OpenShare(keys, token, back, now.AddDate(0, 0, 30)); return err },
	} {
		if err := try(); err != value.ErrShareInvalid {
			t.Errorf("%s: %v, want the link refused", name, err)
		}
	}
	if _, err := value.ParseSegmentQuery(url.Values{"by": {"filter"}, "customers_from": {"soon"}}); err == nil || !strings.Contains(err.Error(), "customers_from") {
		t.Errorf("a bad date: %v", err)
	}
}
