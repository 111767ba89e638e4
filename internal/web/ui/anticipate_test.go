package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestNotesWhereStaffMeetTheCustomer: a customer's current notes show on
// her page, her case, her follow-up and her call, a sensitive one only to
// the roles the owner chose (the settings page's boxes); a note is added
// and deleted from the forms, a bad one refused naming its field.
func TestNotesWhereStaffMeetTheCustomer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		agent, owner := f.people[fresco.RoleAgent], f.people[fresco.RoleOwner]
		c := &fresco.Customer{Name: "Ada Lovelace", Email: "ada@example.com", ConsentSurveys: true}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		p := &fresco.Purchase{ExternalID: "N-1", CustomerID: &c.ID, PurchasedAt: time.Now().UTC().Add(-72 * time.Hour), ServedBy: &agent.ID,
			Lines: []fresco.PurchaseLine{{SKU: "CAKE", Quantity: 1, UnitPrice: 500}}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
		for _, n := range []anticipate.Note{
			{Kind: fresco.PreferenceLikes, Text: "Prefers the window table", Source: fresco.SourceObserved},
			{Kind: fresco.PreferenceOther, Text: "Recovering from surgery", Source: fresco.SourceToldUs, Sensitive: true, SensitiveCategory: fresco.SensitiveHealth},
			{Kind: fresco.PreferenceTiming, Text: "Away until Easter", Source: fresco.SourceToldUs, ExpiresOn: ptr(time.Now().UTC().Truncate(24 * time.Hour))},
		} {
			if _, err := f.app.Anticipate.AddNote(ctx, staff.CLI, c.ID, n); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `UPDATE customer_preferences SET expires_on = '2020-01-01' WHERE text = 'Away until Easter'`); err != nil {
			t.Fatal(err)
		}
		cs, err := f.app.Recovery.Open(ctx, recovery.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Role: owner.Role, EmployeeID: &owner.ID},
			recovery.OpenInput{CustomerID: c.ID, Summary: "Cold soup"})
		if err != nil {
			t.Fatal(err)
		}
		var followUp int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			now := time.Now().UTC()
			var resp int64
			if err := tx.QueryRow(ctx, `INSERT INTO responses (post_id, customer_id, source, responded_at, nps, created_at)
				VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, 'api', ?, 2, ?) RETURNING id`, c.ID, now, now).Scan(&resp); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `INSERT INTO follow_ups (response_id, customer_id, owner_id, due_at, created_at)
				VALUES (?, ?, ?, ?, ?) RETURNING id`, resp, c.ID, agent.ID, now.Add(24*time.Hour), now).Scan(&followUp)
		}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.app.Feedback.ScheduleCall(ctx, feedback.CallRequest{CustomerID: c.ID, PurchaseID: &p.ID, EmployeeID: &agent.ID}); err != nil {
			t.Fatal(err)
		}
		pages := []string{fmt.Sprintf("/customers/%d", c.ID), fmt.Sprintf("/cases/%d", cs.ID), fmt.Sprintf("/followups/%d", followUp),
			"/feedback/calls?all=1", fmt.Sprintf("/serve?customer_id=%d", c.ID)}
		check := func(role fresco.Role, seesSensitive bool) {
			t.Helper()
			for _, page := range pages {
				res := f.do(role, "GET", page, nil)
				if res.status != http.StatusOK {
					t.Fatalf("%s as %s = %d", page, role, res.status)
				}
				if !strings.Contains(res.body, "Prefers the window table") {
					t.Errorf("%s as %s lacks the note", page, role)
				}
				if strings.Contains(res.body, "Away until Easter") {
					t.Errorf("%s as %s shows an expired note", page, role)
				}
				if got := strings.Contains(res.body, "Recovering from surgery"); got != seesSensitive {
					t.Errorf("%s as %s shows the sensitive note: %v, want %v", page, role, got, seesSensitive)
				}
				if !strings.HasPrefix(page, "/feedback/calls") && strings.Contains(res.body, "1 sensitive note") == seesSensitive {
					t.Errorf("%s as %s: the count of hidden notes is wrong", page, role)
				}
			}
		}
		check(fresco.RoleAgent, false)
		check(fresco.RoleManager, true)

		// The managers' home card lists next best actions: the case's
		// customer has none yet (no purchase since it opened), so nobody.
		if res := f.do(fresco.RoleManager, "GET", "/", nil); strings.Contains(res.body, "home-next-actions") {
			t.Errorf("the home card shows with nothing to do")
		}
		back := &fresco.Purchase{ExternalID: "N-2", CustomerID: &c.ID, PurchasedAt: time.Now().UTC().Add(time.Minute),
			Lines: []fresco.PurchaseLine{{SKU: "CAKE", Quantity: 1, UnitPrice: 500}}}
		if err := db.CreatePurchase(ctx, back); err != nil {
			t.Fatal(err)
		}
		if res := f.do(fresco.RoleManager, "GET", "/", nil); !strings.Contains(res.body, "Back with a case open</strong>: Their case “Cold soup”") {
			t.Errorf("the home card lacks the customer back with a case open")
		}
		if res := f.do(fresco.RoleAgent, "GET", "/next-actions?kind=case_returning", nil); !strings.Contains(res.body, "Their case “Cold soup” has been open") ||
			!strings.Contains(res.body, `value="dismissed"`) {
			t.Errorf("the next-actions page lacks the action or its buttons")
		}
		if res := f.do(fresco.RoleAnalyst, "GET", "/next-actions", nil); strings.Contains(res.body, `value="dismissed"`) {
			t.Errorf("an analyst is offered to dismiss")
		}

		// The owner lets agents read them, from the settings page.
		form := settingsForm("0", map[string]string{"sensitive_notes.agent": "on"})
		if res := f.do(fresco.RoleOwner, "POST", "/settings", form); res.status != http.StatusSeeOther {
			t.Fatalf("save settings = %d %s", res.status, res.body)
		}
		if got := f.app.Settings.Current(ctx).SensitiveNoteRoles; fmt.Sprint(got) != "[owner agent]" {
			t.Errorf("roles = %v", got)
		}
		if res := f.do(fresco.RoleOwner, "GET", "/settings", nil); !strings.Contains(res.body, `id="sensitive-notes-agent" checked`) ||
			strings.Contains(res.body, `id="sensitive-notes-manager" checked`) {
			t.Errorf("the settings page does not show the roles chosen")
		}
		check(fresco.RoleAgent, true)

		// A note from the form; a bad one names its field.
		notes := fmt.Sprintf("/customers/%d/notes", c.ID)
		res := f.do(fresco.RoleAgent, "POST", notes, url.Values{"kind": {"likes"}, "text": {""}, "source": {"told_us"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(strings.ToLower(res.body), "text: is required") {
			t.Errorf("empty note = %d", res.status)
		}
		res = f.do(fresco.RoleAnalyst, "POST", notes, url.Values{"kind": {"likes"}, "text": {"x"}, "source": {"told_us"}})
		if res.status != http.StatusForbidden {
			t.Errorf("analyst's note = %d", res.status)
		}
		res = f.do(fresco.RoleAgent, "POST", notes, url.Values{"kind": {"dislikes"}, "text": {"Loud music"}, "source": {"observed"},
			"back": {fmt.Sprintf("/customers/%d", c.ID)}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != fmt.Sprintf("/customers/%d?done=note-saved", c.ID) {
			t.Fatalf("note = %d %s", res.status, res.header.Get("Location"))
		}
		if res := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil); !strings.Contains(res.body, "Dislikes:</strong> Loud music") {
			t.Errorf("the case page lacks the new note")
		}
		list, _, err := f.app.Anticipate.Notes(ctx, staff.CLI, c.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		last := list[len(list)-1]
		res = f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/notes/%d/delete", last.ID), url.Values{"back": {"https://evil.example/"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/serve?done=note-deleted" {
			t.Errorf("delete = %d %s", res.status, res.header.Get("Location"))
		}
		if _, err := db.Preference(ctx, last.ID); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("the note is still there: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestNotesChangedOnThePages: writers change and delete a note from the
// customer page and the "before you serve" card and add one from the
// customer page; a change made meanwhile by someone else is not
// overwritten (the form carries the version it was filled from); a bad
// field is named; a sensitive note the role may not read cannot be opened
// or changed; analysts are offered none of it.
func TestNotesChangedOnThePages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := &fresco.Customer{Name: "Grace Hopper", Email: "grace@example.com"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		n, err := f.app.Anticipate.AddNote(ctx, staff.CLI, c.ID, anticipate.Note{Kind: fresco.PreferenceLikes, Text: "Prefers the window table", Source: fresco.SourceObserved})
		if err != nil {
			t.Fatal(err)
		}
		secret, err := f.app.Anticipate.AddNote(ctx, staff.CLI, c.ID, anticipate.Note{Kind: fresco.PreferenceOther, Text: "Hard of hearing",
			Source: fresco.SourceToldUs, Sensitive: true, SensitiveCategory: fresco.SensitiveHealth})
		if err != nil {
			t.Fatal(err)
		}
		profile := fmt.Sprintf("/customers/%d", c.ID)
		edit := fmt.Sprintf("/notes/%d", n.ID)
		for _, page := range []string{profile, fmt.Sprintf("/serve?customer_id=%d", c.ID)} {
			res := f.do(fresco.RoleAgent, "GET", page, nil)
			if !strings.Contains(res.body, fmt.Sprintf(`id="edit-note-%d"`, n.ID)) || !strings.Contains(res.body, fmt.Sprintf(`id="delete-note-%d"`, n.ID)) ||
				!strings.Contains(res.body, `id="form-add-note"`) || strings.Contains(res.body, fmt.Sprintf(`id="edit-note-%d"`, secret.ID)) {
				t.Errorf("%s as an agent lacks the note's Change, Delete or the add form, or offers the sensitive note", page)
			}
			if res := f.do(fresco.RoleAnalyst, "GET", page, nil); strings.Contains(res.body, `id="edit-note-`) || strings.Contains(res.body, `id="form-add-note"`) {
				t.Errorf("%s offers an analyst to change notes", page)
			}
		}
		// The sensitive note, which agents may not read, cannot be opened.
		if res := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/notes/%d/edit", secret.ID), nil); res.status != http.StatusNotFound {
			t.Errorf("an agent opens the sensitive note: %d", res.status)
		}
		if res := f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/notes/%d", secret.ID), url.Values{"kind": {"other"}, "text": {"x"}, "source": {"told_us"},
			"version": {fmt.Sprint(secret.Version)}}); res.status != http.StatusNotFound {
			t.Errorf("an agent changes the sensitive note: %d", res.status)
		}
		if res := f.do(fresco.RoleManager, "GET", fmt.Sprintf("/notes/%d/edit", secret.ID), nil); res.status != http.StatusOK ||
			!strings.Contains(res.body, `value="Hard of hearing"`) || !strings.Contains(res.body, `<option value="health" selected>`) {
			t.Errorf("a manager opens the sensitive note: %d", res.status)
		}

		res := f.do(fresco.RoleAgent, "GET", edit+"/edit?back="+url.QueryEscape(profile), nil)
		if res.status != http.StatusOK || !strings.Contains(res.body, `value="Prefers the window table"`) ||
			!strings.Contains(res.body, fmt.Sprintf(`name="version" value="%d"`, n.Version)) || !strings.Contains(res.body, `id="form-edit-note"`) {
			t.Fatalf("the edit page: %d\n%s", res.status, res.body)
		}
		change := func(role fresco.Role, text, version, expires string) response {
			t.Helper()
			return f.do(role, "POST", edit, url.Values{"kind": {"likes"}, "text": {text}, "source": {"told_us"}, "expires_on": {expires},
				"version": {version}, "back": {profile}})
		}
		v1 := fmt.Sprint(n.Version)
		if res := change(fresco.RoleAnalyst, "x", v1, ""); res.status != http.StatusForbidden {
			t.Errorf("an analyst's change = %d", res.status)
		}
		if res := change(fresco.RoleAgent, "Prefers the corner table", v1, "soon"); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "expires_on") || !strings.Contains(res.body, `value="Prefers the corner table"`) {
			t.Errorf("a bad date = %d", res.status)
		}
		if res := change(fresco.RoleAgent, "Prefers the corner table", "", ""); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Version: is missing") {
			t.Errorf("no version = %d", res.status)
		}
		res = change(fresco.RoleAgent, "Prefers the corner table", v1, "")
		if res.status != http.StatusSeeOther || res.header.Get("Location") != profile+"?done=note-saved" {
			t.Fatalf("change = %d %s", res.status, res.header.Get("Location"))
		}
		got, err := db.Preference(ctx, n.ID)
		if err != nil || got.Text != "Prefers the corner table" || got.Source != fresco.SourceToldUs || got.Version == n.Version {
			t.Fatalf("after the change: %+v %v", got, err)
		}
		// A form filled before that change does not overwrite it.
		res = change(fresco.RoleAgent, "Prefers the bar", v1, "")
		if res.status != http.StatusConflict || !strings.Contains(res.body, "Someone changed this note") ||
			!strings.Contains(res.body, `value="Prefers the corner table"`) || !strings.Contains(res.body, fmt.Sprintf(`name="version" value="%d"`, got.Version)) {
			t.Errorf("a stale change = %d\n%s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAgent, "GET", profile, nil); !strings.Contains(res.body, "Prefers the corner table") {
			t.Errorf("the customer page lacks the changed note")
		}
		// Added from the customer page, deleted from it: back there.
		res = f.do(fresco.RoleAgent, "POST", profile+"/notes", url.Values{"kind": {"timing"}, "text": {"Mornings only"}, "source": {"told_us"}, "back": {profile}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != profile+"?done=note-saved" {
			t.Errorf("add from the customer page = %d %s", res.status, res.header.Get("Location"))
		}
		res = f.do(fresco.RoleAgent, "POST", edit+"/delete", url.Values{"back": {profile}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != profile+"?done=note-deleted" {
			t.Errorf("delete from the customer page = %d %s", res.status, res.header.Get("Location"))
		}
		if res := f.do(fresco.RoleAgent, "GET", profile, nil); strings.Contains(res.body, "corner table") || !strings.Contains(res.body, "Mornings only") {
			t.Errorf("the customer page after adding and deleting")
		}
		if res := f.do(fresco.RoleAgent, "GET", edit+"/edit", nil); res.status != http.StatusNotFound {
			t.Errorf("a deleted note's edit page = %d", res.status)
		}
	})
}
