package app_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/web"
)

// New opens the database a URL names, serves over it, and Close closes it.
func TestNewFromDatabaseURL(t *testing.T) {
	a, err := app.New(app.Config{DatabaseURL: storetest.SQLiteURL(t), SecretKeys: storetest.Keys(t)})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.Server.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("readyz = %d", rec.Code)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.Ping(t.Context()); err == nil {
		t.Error("the database is still open after Close")
	}
}

// A database the caller opened stays open: it is the caller's to close.
func TestNewLeavesTheCallersDatabaseOpen(t *testing.T) {
	db := storetest.Open(t, storetest.SQLiteURL(t))
	a, err := app.New(app.Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(t.Context()); err != nil {
		t.Errorf("the caller's database was closed: %v", err)
	}
}

// The server has no second, different set of services to fall back on.
func TestServerRequiresItsServices(t *testing.T) {
	db := storetest.Open(t, storetest.SQLiteURL(t))
	_, err := web.NewServer(web.Deps{DB: db})
	if err == nil || !strings.Contains(err.Error(), "Anticipate, Auth, Feedback, Goals, Inbound, Latitude, Loop, Maps, Notifier, Prefs, ProcessLog, Pulse, Recovery, Referral, Registry, Rewards, Settings, Staff, Suggestions, Value") {
		t.Errorf("NewServer without services: %v", err)
	}
}
