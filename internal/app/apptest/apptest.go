// Package apptest builds Fresco for tests the way production does, through
// app.New, so that a test exercises the wiring that serve runs.
package apptest

import (
	"testing"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/store"
)

// New builds the application over db with production's defaults; edits
// adjust the configuration (a logger to read, private webhook receivers,
// fast timings).
func New(tb testing.TB, db *store.DB, edits ...func(*app.Config)) *app.App {
	tb.Helper()
	cfg := app.Config{DB: db}
	for _, edit := range edits {
		edit(&cfg)
	}
	a, err := app.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}
