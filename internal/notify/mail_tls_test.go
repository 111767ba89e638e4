package notify_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
)

// What Fresco sends arrives over STARTTLS (smtp://) and implicit TLS
// (smtps://), authenticated with each mechanism the URL may name.
func TestSendMailOverTLSWithAuth(t *testing.T) {
	t.Parallel()
	for _, implicit := range []bool{false, true} {
		for _, mech := range []string{"", "plain", "login", "cram-md5"} {
			srv := notifytest.StartSMTPTLS(t, notifytest.TLSOptions{Implicit: implicit, User: "fresco", Password: "s3cret:/@"})
			scheme := "smtp"
			if implicit {
				scheme = "smtps"
			}
			raw := fmt.Sprintf("%s://fresco:s3cret%%3A%%2F%%40@%s", scheme, srv.Addr)
			if mech != "" {
				raw += "?auth=" + mech
			}
			var cfg notify.SMTPConfig
			if err := cfg.ParseSMTPURL(raw); err != nil {
				t.Fatal(err)
			}
			cfg.From = "Fresco <fresco@example.com>"
			cfg.TLSConfig = &tls.Config{RootCAs: srv.Certs, ServerName: "127.0.0.1"}
			err := notify.SendMail(context.Background(), cfg, notify.Mail{To: "ann@example.com", Subject: "Hello", Text: "Hi", HTML: "<p>Hi</p>",
				Unsubscribe: "https://fresco.example.com/unsubscribe/abc"})
			if err != nil {
				t.Fatalf("%s auth=%q: %v", scheme, mech, err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 || !msgs[0].TLS || msgs[0].Auth == "" {
				t.Fatalf("%s auth=%q: arrived %+v", scheme, mech, msgs)
			}
			if mech != "" && msgs[0].Auth != strings.ToUpper(mech) {
				t.Errorf("%s auth=%q: the server saw AUTH %s", scheme, mech, msgs[0].Auth)
			}
			for _, want := range []string{"List-Unsubscribe: <https://fresco.example.com/unsubscribe/abc>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click"} {
				if !strings.Contains(msgs[0].Data, want) {
					t.Errorf("%s: headers lack %q", scheme, want)
				}
			}
		}
	}
}

// Wrong credentials and an untrusted certificate are refused, and nothing
// arrives.
func TestSendMailTLSRefusals(t *testing.T) {
	t.Parallel()
	srv := notifytest.StartSMTPTLS(t, notifytest.TLSOptions{User: "fresco", Password: "right"})
	for name, tc := range map[string]struct {
		url   string
		trust bool
		want  string
	}{
		"wrong password": {"smtp://fresco:wrong@" + srv.Addr, true, "535"},
		"untrusted cert": {"smtp://fresco:right@" + srv.Addr, false, "certificate"},
	} {
		var cfg notify.SMTPConfig
		if err := cfg.ParseSMTPURL(tc.url); err != nil {
			t.Fatal(err)
		}
		cfg.From = "fresco@example.com"
		cfg.TLSConfig = &tls.Config{ServerName: "127.0.0.1"}
		if tc.trust {
			cfg.TLSConfig.RootCAs = srv.Certs
		}
		err := notify.SendMail(context.Background(), cfg, notify.Mail{To: "ann@example.com", Subject: "s", Text: "b"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error mentioning %s", name, err, tc.want)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

// --smtp-url: defaults by scheme, credentials force TLS, and mistakes name
// the flag.
func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]notify.SMTPConfig{
		"smtp://mail.example.com":                     {Addr: "mail.example.com:587"},
		"smtps://u:p@mail.example.com":                {Addr: "mail.example.com:465", User: "u", Password: "p", ImplicitTLS: true, RequireTLS: true},
		"smtp://u:p@mail.example.com:2525?auth=LOGIN": {Addr: "mail.example.com:2525", User: "u", Password: "p", RequireTLS: true, Auth: "login"},
		"smtps://[::1]:4650?auth=cram-md5":            {Addr: "[::1]:4650", ImplicitTLS: true, Auth: "cram-md5"},
	} {
		var got notify.SMTPConfig
		if err := got.ParseSMTPURL(raw); err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", raw, got, err, want)
		}
	}
	for raw, want := range map[string]string{
		"http://mail.example.com":              "scheme",
		"smtp://":                              "no host",
		"smtp://mail.example.com?auth=xoauth2": "auth",
		"smtp://mail.example.com?tls=off":      "unknown parameter",
	} {
		var c notify.SMTPConfig
		if err := c.ParseSMTPURL(raw); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--smtp-url") {
			t.Errorf("%s: %v, want an error naming --smtp-url and %s", raw, err, want)
		}
	}
}
