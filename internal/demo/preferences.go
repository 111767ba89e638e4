package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// Remembered preferences: notes the staff keep on about one customer in
// fifty (at most 200), so that the customer, case and call pages and the
// "before you serve" card show them — one in ten of them sensitive, some
// for a season only.

var demoNotes = []anticipate.Note{
	{Kind: fresco.PreferenceLikes, Text: "Prefers a room on a high floor, away from the lift", Source: fresco.SourceToldUs},
	{Kind: fresco.PreferenceLikes, Text: "Likes the window table at breakfast", Source: fresco.SourceObserved},
	{Kind: fresco.PreferenceDislikes, Text: "Dislikes feather pillows", Source: fresco.SourceToldUs},
	{Kind: fresco.PreferenceTiming, Text: "Don't call before 10", Source: fresco.SourceToldUs},
	{Kind: fresco.PreferenceTiming, Text: "Travels on business Monday to Thursday: call on Fridays", Source: fresco.SourceObserved},
	{Kind: fresco.PreferenceDietary, Text: "Vegetarian", Source: fresco.SourceToldUs},
	{Kind: fresco.PreferenceAccessibility, Text: "Needs step-free access to the room", Source: fresco.SourceToldUs},
	{Kind: fresco.PreferenceOther, Text: "Likes the car seat left as it is after valet parking", Source: fresco.SourceObserved},
}

var demoSensitiveNotes = []anticipate.Note{
	{Kind: fresco.PreferenceDietary, Text: "Allergic to nuts", Source: fresco.SourceToldUs, Sensitive: true, SensitiveCategory: fresco.SensitiveHealth},
	{Kind: fresco.PreferenceOther, Text: "Recently bereaved: no anniversary offers this year", Source: fresco.SourceToldUs, Sensitive: true, SensitiveCategory: fresco.SensitiveFamily},
}

func generatePreferences(ctx context.Context, w *world, r *rng) error {
	var owner *fresco.Employee
	for _, e := range w.employees {
		if e.Email == ownerLogin.email {
			owner = e
		}
	}
	if owner == nil {
		return fmt.Errorf("no owner")
	}
	ids, err := queryIDs(ctx, w.db, `SELECT id FROM customers WHERE id % 50 = 7 ORDER BY id LIMIT 200`)
	if err != nil {
		return err
	}
	svc := anticipate.New(w.db, anticipate.Options{Now: func() time.Time { return w.end }})
	actor := anticipate.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Role: fresco.RoleOwner, EmployeeID: &owner.ID}
	for _, id := range ids {
		note := demoNotes[r.IntN(len(demoNotes))]
		if r.chance(0.1) {
			note = demoSensitiveNotes[r.IntN(len(demoSensitiveNotes))]
		}
		if r.chance(0.2) {
			until := time.Date(w.end.Year(), w.end.Month(), w.end.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 2, 0)
			note.ExpiresOn = &until
		}
		if _, err := svc.AddNote(ctx, actor, id, note); err != nil {
			return err
		}
	}
	return nil
}
