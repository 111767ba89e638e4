package fresco

import (
	"testing"
	"time"
)

func TestRelativeTimes(t *testing.T) {
	t.Parallel()
	f := NewFormatter(Settings{TimeZone: "Europe/Berlin", Locale: "en-GB"})
	// 23:30 UTC on 5 Dec is already 00:30 on 6 Dec in Berlin.
	now := time.Date(2026, 12, 5, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 5, 23, 5, 0, 0, time.UTC), "today 00:05"},
		{time.Date(2026, 12, 5, 13, 5, 0, 0, time.UTC), "yesterday 14:05"},
		{time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), "tomorrow 09:00"},
		{time.Date(2026, 12, 3, 8, 12, 0, 0, time.UTC), "3 Dec 09:12"},
		{time.Date(2025, 12, 3, 8, 12, 0, 0, time.UTC), "3 Dec 2025 09:12"},
		{time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC), "1 Jul 14:00"}, // summer time: UTC+2
	}
	for _, c := range cases {
		if got := f.Relative(c.at, now); got != c.want {
			t.Errorf("Relative(%v) = %q, want %q", c.at, got, c.want)
		}
	}
	us := NewFormatter(Settings{TimeZone: "America/New_York", Locale: "en-US"})
	if got := us.Relative(time.Date(2026, 12, 3, 19, 12, 0, 0, time.UTC), now); got != "Dec 3 2:12 PM" {
		t.Errorf("en-US: %q", got)
	}
	de := NewFormatter(Settings{TimeZone: "Europe/Berlin", Locale: "de-DE"})
	if got := de.DateTime(time.Date(2025, 12, 3, 8, 12, 0, 0, time.UTC)); got != "3.12.2025 09:12" {
		t.Errorf("de-DE: %q", got)
	}
}

func TestDateAcrossMidnight(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	if got := NewFormatter(Settings{TimeZone: "Asia/Tokyo"}).Date(at); got != "1 Jan 2027" {
		t.Errorf("Tokyo: %q", got)
	}
	if got := NewFormatter(Settings{TimeZone: "America/Los_Angeles"}).Date(at); got != "31 Dec 2026" {
		t.Errorf("Los Angeles: %q", got)
	}
	if got := NewFormatter(Settings{TimeZone: "Asia/Kolkata"}).ISO(at); got != "2027-01-01T05:00:00+05:30" {
		t.Errorf("ISO: %q", got)
	}
}

func TestMoneyAndNumbers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		locale   string
		currency Currency
		m        Money
		want     string
	}{
		{"en-GB", Currency{Code: "GBP", Symbol: "£", Decimals: 2}, 123450, "£1,234.50"},
		{"en-GB", Currency{Code: "GBP", Symbol: "£", Decimals: 2}, -5, "−£0.05"},
		{"en-US", Currency{Code: "USD", Symbol: "$", Decimals: 2}, 100000000, "$1,000,000.00"},
		{"de-DE", Currency{Code: "EUR", Symbol: "€", Decimals: 2}, 123450, "1.234,50\u00a0€"},
		{"fr-FR", Currency{Code: "EUR", Symbol: "€", Decimals: 2}, 123450, "1\u202f234,50\u00a0€"},
		{"es-ES", Currency{Code: "JPY", Symbol: "¥", Decimals: 0}, 123450, "1.235\u00a0¥"}, // rounded half up
		{"en-GB", Currency{Code: "JPY", Symbol: "¥", Decimals: 0}, -149, "−¥1"},
		{"en-GB", Currency{Code: "JPY", Symbol: "¥", Decimals: 0}, -49, "¥0"},
		{"en-GB", Currency{Code: "XXX", Symbol: "X", Decimals: 1}, 1234, "X12.3"},
	}
	for _, c := range cases {
		f := NewFormatter(Settings{TimeZone: "UTC", Locale: c.locale, Currency: c.currency})
		if got := f.Money(c.m); got != c.want {
			t.Errorf("%s %s %d: %q, want %q", c.locale, c.currency.Code, c.m, got, c.want)
		}
	}
	if got := NewFormatter(Settings{Locale: "de-DE"}).Integer(-1234567); got != "−1.234.567" {
		t.Errorf("Integer: %q", got)
	}
	whole := []struct {
		locale string
		units  int64
		want   string
	}{
		{"en-US", 5297857, "$5,297,857"},
		{"en-US", -12, "−$12"},
		{"de-DE", 5297857, "5.297.857\u00a0$"},
	}
	for _, c := range whole {
		f := NewFormatter(Settings{Locale: c.locale, Currency: Currency{Code: "USD", Symbol: "$", Decimals: 2}})
		if got := f.WholeMoney(c.units); got != c.want {
			t.Errorf("WholeMoney %s %d: %q, want %q", c.locale, c.units, got, c.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"  short  ", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"Zimmer war kalt", 8, "Zimmer …"},
		{"ééééé", 3, "éé…"},
	} {
		if got := Excerpt(c.in, c.n); got != c.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestCustomerLanguage(t *testing.T) {
	has := func(l string) bool { return l == "de" || l == "fr" }
	for _, c := range []struct{ customer, business, want string }{
		{"de-CH", "fr-FR", "de"},
		{"es", "fr-FR", "fr"},
		{"", "de_DE", "de"},
		{"it", "es-ES", "en"},
	} {
		if got := CustomerLanguage(c.customer, c.business, has); got != c.want {
			t.Errorf("CustomerLanguage(%q, %q) = %q, want %q", c.customer, c.business, got, c.want)
		}
	}
}
