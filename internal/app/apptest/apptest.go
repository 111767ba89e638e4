// Package apptest builds Fresco for tests the way production does, through
// app.New, so that a test exercises the wiring that serve runs.
package apptest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/store"
)

// New builds the application over db with production's defaults; edits
// adjust the configuration (a logger to read, private webhook receivers,
// fast timings).
func New(tb testing.TB, db *store.DB, edits ...func(*app.Config)) *app.App {
	tb.Helper()
	// The staff pulse would open at the queue's start and notify everyone:
	// tests that want it set DisablePulse back to false.
	cfg := app.Config{DB: db, DisablePulse: true}
	for _, edit := range edits {
		edit(&cfg)
	}
	a, err := app.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// Session signs the employee in directly in the store and returns the
// session cookie, so that tests need not pay for an argon2 hash per login.
func Session(tb testing.TB, db *store.DB, employeeID int64) *http.Cookie {
	tb.Helper()
	id, hash, err := auth.NewSessionID()
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.CreateSession(context.Background(), hash, employeeID, time.Now().Add(time.Hour)); err != nil {
		tb.Fatal(err)
	}
	return &http.Cookie{Name: auth.SessionCookie, Value: id}
}
