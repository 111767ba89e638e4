package settings_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/settings"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

var owner = settings.Actor{Ref: "employee:1", Role: fresco.RoleOwner}

func paris() fresco.Settings {
	s := fresco.DefaultSettings()
	s.BusinessName = "Hôtel du Lac"
	s.Currency = fresco.Currency{Code: "EUR", Symbol: "€", Decimals: 2}
	s.TimeZone = "Europe/Paris"
	s.Locale = "fr-FR"
	s.Hours[time.Saturday] = []fresco.OpenHours{{Start: "10:00", End: "12:30"}, {Start: "14:00", End: "24:00"}}
	return s
}

func TestRoundTripAndAudit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := settings.New(db, settings.Options{})
		got, err := svc.Get(ctx)
		if err != nil || got.Version != 0 || got.TimeZone != "UTC" {
			t.Fatalf("defaults: %+v %v", got, err)
		}
		stored, err := svc.Update(ctx, owner, paris(), settings.Any)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Version != 1 || stored.UpdatedBy != "employee:1" {
			t.Fatalf("stored %+v", stored)
		}
		read, err := settings.New(db, settings.Options{}).Get(ctx) // a second replica
		if err != nil {
			t.Fatal(err)
		}
		want := paris()
		if read.BusinessName != want.BusinessName || read.Currency != want.Currency || read.TimeZone != want.TimeZone ||
			read.Locale != want.Locale || !slices.Equal(read.Hours[time.Saturday], want.Hours[time.Saturday]) ||
			read.Hours[time.Sunday] != nil || len(read.Hours[time.Monday]) != 1 {
			t.Fatalf("read back %+v, want %+v", read, want)
		}
		var audited int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'settings.update' AND actor = 'employee:1'`).Scan(&audited); err != nil || audited != 1 {
			t.Fatalf("audit entries %d, %v", audited, err)
		}
		// A write from the version read succeeds; one from an older version
		// is refused and writes nothing.
		next := read
		next.BusinessName = "Lakeside"
		if _, err := svc.Update(ctx, owner, next, 1); err != nil {
			t.Fatal(err)
		}
		next.BusinessName = "Lost"
		if _, err := svc.Update(ctx, owner, next, 1); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Fatalf("stale write: %v", err)
		}
		if cur, _ := svc.Get(ctx); cur.BusinessName != "Lakeside" || cur.Version != 2 {
			t.Fatalf("after stale write: %+v", cur)
		}
		// Only an owner changes them.
		if _, err := svc.Update(ctx, settings.Actor{Ref: "employee:2", Role: fresco.RoleManager}, next, 0); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
			t.Fatalf("manager: %v", err)
		}
	})
}

func TestValidationNamesTheField(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	svc := settings.New(db, settings.Options{})
	cases := []struct {
		field string
		edit  func(*fresco.Settings)
	}{
		{"business_name", func(s *fresco.Settings) { s.BusinessName = " " }},
		{"currency.code", func(s *fresco.Settings) { s.Currency.Code = "euro" }},
		{"currency.symbol", func(s *fresco.Settings) { s.Currency.Symbol = "" }},
		{"currency.decimals", func(s *fresco.Settings) { s.Currency.Decimals = 3 }},
		{"time_zone", func(s *fresco.Settings) { s.TimeZone = "Mars/Olympus" }},
		{"time_zone", func(s *fresco.Settings) { s.TimeZone = "Local" }},
		{"locale", func(s *fresco.Settings) { s.Locale = "xx-YY" }},
		{"business_hours.monday[0].start", func(s *fresco.Settings) { s.Hours[time.Monday][0].Start = "9am" }},
		{"business_hours.monday[0].end", func(s *fresco.Settings) { s.Hours[time.Monday][0].End = "24:30" }},
		{"business_hours.tuesday[0]", func(s *fresco.Settings) { s.Hours[time.Tuesday][0] = fresco.OpenHours{Start: "17:00", End: "09:00"} }},
		{"business_hours.friday[1]", func(s *fresco.Settings) {
			s.Hours[time.Friday] = append(s.Hours[time.Friday], fresco.OpenHours{Start: "16:00", End: "18:00"})
		}},
		{"business_hours", func(s *fresco.Settings) { s.Hours = [7][]fresco.OpenHours{} }},
	}
	for _, c := range cases {
		in := fresco.DefaultSettings()
		in.Hours = [7][]fresco.OpenHours{}
		for d := time.Monday; d <= time.Friday; d++ {
			in.Hours[d] = []fresco.OpenHours{{Start: "09:00", End: "17:00"}}
		}
		c.edit(&in)
		_, err := svc.Update(context.Background(), owner, in, settings.Any)
		fields := fresco.ErrorFields(err)
		if fresco.ErrorCode(err) != fresco.EINVALID || len(fields) == 0 || fields[0].Field != c.field {
			t.Errorf("%s: got %v %+v", c.field, err, fields)
		}
	}
	if cur, _ := svc.Get(context.Background()); cur.Version != 0 {
		t.Fatalf("a refused change was stored: %+v", cur)
	}
}

func TestLogo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := settings.New(db, settings.Options{})
		if _, _, err := svc.Logo(ctx); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("no logo: %v", err)
		}
		var buf bytes.Buffer
		img := image.NewRGBA(image.Rect(0, 0, 4, 4))
		img.Set(1, 1, color.RGBA{R: 200, A: 255})
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		for _, bad := range [][]byte{[]byte("<svg onload=alert(1)></svg>"), make([]byte, fresco.MaxLogoBytes+1), {}} {
			if _, err := svc.SetLogo(ctx, owner, bad, settings.Any); fresco.ErrorCode(err) != fresco.EINVALID || fresco.ErrorFields(err)[0].Field != "logo" {
				t.Fatalf("bad logo of %d bytes: %v", len(bad), err)
			}
		}
		set, err := svc.SetLogo(ctx, owner, buf.Bytes(), settings.Any)
		if err != nil || set.LogoType != "image/png" {
			t.Fatalf("png: %+v %v", set, err)
		}
		kind, data, err := svc.Logo(ctx)
		if err != nil || kind != "image/png" || !bytes.Equal(data, buf.Bytes()) {
			t.Fatalf("read logo: %s %d bytes %v", kind, len(data), err)
		}
		// Changing the other settings keeps the logo.
		in := paris()
		if set, err = svc.Update(ctx, owner, in, set.Version); err != nil || set.LogoType != "image/png" {
			t.Fatalf("update kept logo %q: %v", set.LogoType, err)
		}
		if _, err := svc.SetLogo(ctx, owner, nil, set.Version); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Logo(ctx); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("removed logo: %v", err)
		}
	})
}

// After a change: this replica formats with it at once, another within
// CacheFor, and the SLA calendar follows the hours.
func TestAfterAChange(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	here, there := settings.New(db, settings.Options{Now: clock}), settings.New(db, settings.Options{Now: clock})
	if here.Current(ctx).TimeZone != "UTC" || there.Current(ctx).TimeZone != "UTC" {
		t.Fatal("defaults not UTC")
	}
	if _, err := here.Update(ctx, owner, paris(), settings.Any); err != nil {
		t.Fatal(err)
	}
	if f := here.Formatter(ctx); f.Zone.String() != "Europe/Paris" || f.Locale.Tag != "fr-FR" {
		t.Fatalf("formatter after update: %v %v", f.Zone, f.Locale.Tag)
	}
	if there.Current(ctx).TimeZone != "UTC" {
		t.Fatal("another replica read the database within CacheFor")
	}
	now = now.Add(settings.CacheFor)
	if got := there.Current(ctx).TimeZone; got != "Europe/Paris" {
		t.Fatalf("another replica after CacheFor: %s", got)
	}
	cal, err := here.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Location.String() != "Europe/Paris" || len(cal.Weekly[time.Saturday]) != 2 || len(cal.Weekly[time.Sunday]) != 0 ||
		cal.Weekly[time.Monday][0].Start.String() != "09:00" || cal.Weekly[time.Saturday][1].End.String() != "24:00" {
		t.Fatalf("calendar %+v", cal)
	}
}
