package value

// Read-only share links of the calculator per segment: anyone with the
// link sees the figures of one question (grouping, loyal definition,
// customer filter) until it expires, without signing in. The link is the
// question as a query string plus a token signed with the app's secret
// keys (secret.Keyring.SignToken, purpose "calculator share"): the token
// holds the expiry and a SHA-256 of the question in its canonical
// spelling, so neither can be changed without the signature failing, and
// nothing is stored. Rotating the secret keys revokes every link.

import (
	"crypto/sha256"
	"encoding/binary"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store"
)

const (
	sharePurpose = "calculator share"
	sharePayload = 8 + sha256.Size // expiry (Unix seconds) ‖ SHA-256 of the question
	// MaxShareDays is the longest a share link may live.
	MaxShareDays = 365
)

// ErrShareInvalid is the answer to a forged, altered, revoked or expired
// share link.
var ErrShareInvalid = &fresco.Error{Code: fresco.ENOTFOUND,
	Message: "this link is not valid: it has expired, or it was not copied whole; ask for a new one"}

// Query is the question as a query string, in one canonical spelling
// (url.Values.Encode sorts the keys; empty values are left out).
func (in SegmentCalcInput) Query() url.Values {
	q := url.Values{"by": {in.By}}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	if in.LoyalTop != 0 {
		set("loyal_top", strconv.FormatFloat(in.LoyalTop, 'g', -1, 64))
	}
	if in.LoyalMinTenureDays != 0 {
		set("loyal_min_tenure_days", strconv.Itoa(in.LoyalMinTenureDays))
	}
	if in.By == store.CalcByFilter {
		f := in.Filter
		set("q", f.Search)
		set("source", f.Source)
		set("segment", f.Segment)
		if f.Attention {
			set("attention", "1")
		}
		if !f.From.IsZero() {
			set("customers_from", f.From.UTC().Format(time.DateOnly))
		}
		if !f.To.IsZero() {
			set("customers_to", f.To.UTC().AddDate(0, 0, -1).Format(time.DateOnly))
		}
	}
	return q
}

// ParseSegmentQuery reads a question from a query string (as Query
// writes it); a bad value is an EINVALID naming its parameter.
func ParseSegmentQuery(q url.Values) (SegmentCalcInput, error) {
	var v fresco.Validation
	in := SegmentCalcInput{By: strings.TrimSpace(q.Get("by"))}
	if in.By == "" {
		in.By = store.CalcBySource
	}
	if s := strings.TrimSpace(q.Get("loyal_top")); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		v.Check(err == nil && f > 0 && f <= 100, "loyal_top", "must be a percentage between 0 and 100")
		in.LoyalTop = f
	}
	if s := strings.TrimSpace(q.Get("loyal_min_tenure_days")); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n > 0 && n <= 36500, "loyal_min_tenure_days", "must be a whole number of days from 1 to 36500")
		in.LoyalMinTenureDays = n
	}
	if in.By == store.CalcByFilter {
		in.Filter = store.CustomerListFilter{Search: strings.TrimSpace(q.Get("q")), Source: strings.TrimSpace(q.Get("source")),
			Segment: strings.TrimSpace(q.Get("segment")), Attention: q.Get("attention") == "1" || q.Get("attention") == "true"}
		date := func(name string, next bool) time.Time {
			s := strings.TrimSpace(q.Get(name))
			if s == "" {
				return time.Time{}
			}
			d, err := time.Parse(time.DateOnly, s)
			v.Check(err == nil, name, "%q is not a date like 2025-01-31", s)
			if next && err == nil {
				d = d.AddDate(0, 0, 1)
			}
			return d
		}
		in.Filter.From, in.Filter.To = date("customers_from", false), date("customers_to", true)
		v.Check(len(in.Filter.Search) <= 200, "q", "must be at most 200 characters")
	}
	return in, v.Err()
}

// ShareToken signs the question in for expires with keys.
func ShareToken(keys *secret.Keyring, in SegmentCalcInput, expires time.Time) (string, error) {
	if keys == nil {
		return "", store.ErrNoSecretKey
	}
	return keys.SignToken(sharePurpose, sharePayloadOf(in, expires)), nil
}

func sharePayloadOf(in SegmentCalcInput, expires time.Time) []byte {
	buf := make([]byte, 8, sharePayload)
	binary.BigEndian.PutUint64(buf, uint64(expires.Unix()))
	sum := sha256.Sum256([]byte(in.Query().Encode()))
	return append(buf, sum[:]...)
}

// OpenShare checks a share link: the token must be one keys signed for this
// question and not expired at now. It returns the expiry.
func OpenShare(keys *secret.Keyring, token string, in SegmentCalcInput, now time.Time) (time.Time, error) {
	if keys == nil {
		return time.Time{}, ErrShareInvalid
	}
	raw, err := keys.OpenToken(sharePurpose, token, sharePayload)
	if err != nil {
		return time.Time{}, ErrShareInvalid
	}
	expires := time.Unix(int64(binary.BigEndian.Uint64(raw[:8])), 0).UTC()
	if string(sharePayloadOf(in, expires)) != string(raw) || !now.Before(expires) {
		return time.Time{}, ErrShareInvalid
	}
	return expires, nil
}

// SharePath is the link's path and query.
func SharePath(token string, in SegmentCalcInput) string {
	return "/share/calculator/" + token + "?" + in.Query().Encode()
}
