package cli

import (
	"context"
	"net"
	"net/smtp"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// fresco serve with FRESCO_SMTP_LISTEN (the environment's form of
// --smtp-listen) receives mail over SMTP and files it as a case; a mail
// client's net/smtp is enough to deliver.
func TestServeReceivesMail(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := probe.Addr().String()
	probe.Close()
	cfg, _, err := serveConfig([]string{"--secret-key", "", "--inbound-domains", "shop.example, other.example", "--workers", "1"},
		envOf(map[string]string{"FRESCO_DB": "sqlite:" + filepath.Join(t.TempDir(), "x.db"), "FRESCO_SMTP_LISTEN": listen}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Inbound.Listen != listen || cfg.Inbound.MaxBytes != 10<<20 || strings.Join(cfg.Inbound.Domains, ",") != "shop.example,other.example" {
		t.Fatalf("inbound config %+v", cfg.Inbound)
	}
	a, err := app.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.DB.CreateEmployee(ctx, &fresco.Employee{Email: "owner@shop.example", Name: "Owner", Role: fresco.RoleOwner, Active: true}); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- serve(ctx, a, "127.0.0.1:0", cfg.Logger, func(string) { close(ready) }) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	msg := "From: Zoe <zoe@example.net>\r\nTo: support@shop.example\r\nSubject: Hello\r\nMessage-ID: <zoe-1@example.net>\r\n\r\nIs the shop open on Monday?\r\n"
	if err := smtp.SendMail(listen, nil, "zoe@example.net", []string{"support@shop.example"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(listen, nil, "zoe@example.net", []string{"someone@elsewhere.example"}, []byte(msg)); err == nil ||
		!strings.Contains(err.Error(), "550") {
		t.Errorf("mail for another domain: %v, want 550", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}
	err = a.DB.InTx(context.Background(), func(tx *store.Tx) error {
		c, err := tx.CustomerByEmail(context.Background(), "zoe@example.net")
		if err != nil {
			return err
		}
		cases, _, err := a.DB.ListCases(context.Background(), store.CaseFilter{CustomerID: &c.ID})
		if err == nil && (len(cases) != 1 || cases[0].Summary != "Hello") {
			t.Errorf("cases %+v", cases)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestServeInboundFlagsRefused(t *testing.T) {
	_, _, err := serveConfig([]string{"--inbound-max-bytes", "0"}, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "--inbound-max-bytes") {
		t.Errorf("--inbound-max-bytes 0: %v", err)
	}
}
