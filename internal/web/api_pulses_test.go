package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// pulseMatrix is the pulse's rows of the role matrix: results and the
// latitude audit are staff aggregates (not for agents), imports and the
// question set the owner's.
func pulseMatrix() []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	questions := `{"questions":[{"key":"satisfaction","kind":"scale","text":"I like my job."},` +
		`{"key":"capability","kind":"scale","text":"I have the skills, tools and support to deliver what customers want."},` +
		`{"key":"latitude","kind":"scale","text":"I can make the decisions my customers need."},` +
		`{"key":"decisions","kind":"text","text":"What decisions could you make that you can't now?"},` +
		`{"key":"enps","kind":"enps","text":"How likely are you to recommend working here to a friend?"}]}`
	return []endpoint{
		{"GET", "/api/v1/pulses/results?by=team", none, 200, aggregates},
		{"GET", "/api/v1/pulses/results?by=location&period=quarter", none, 200, aggregates},
		{"GET", "/api/v1/latitude", none, 200, aggregates}, // the latitude audit: staff's asks are pulse aggregates
		{"GET", "/api/v1/pulses", none, 200, aggregates},
		{"POST", "/api/v1/pulses/999999/answers", fixed(`{"team_id":1,"answers":{"enps":9}}`), 404, ownerOnly},
		{"GET", "/api/v1/pulses/questions", none, 200, everyone},
		{"PUT", "/api/v1/pulses/questions", fixed(questions), 200, ownerOnly},
	}
}

// pulseClock is a clock the test moves.
type pulseClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *pulseClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *pulseClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// pulseWorld is an organisation for pulse tests.
type pulseWorld struct {
	f         *fixture
	clock     *pulseClock
	locations []int64
	teams     []int64
	staff     map[string][]*fresco.Employee // by "team index" label
}

func newPulseWorld(t *testing.T, db *store.DB) *pulseWorld {
	c := &pulseClock{t: time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)}
	f := newFixture(t, db, func(cfg *app.Config) { cfg.Now = c.Now })
	return &pulseWorld{f: f, clock: c, staff: map[string][]*fresco.Employee{}}
}

func (w *pulseWorld) location(t *testing.T, name string) int64 {
	l := &fresco.Location{Name: name, Timezone: "UTC"}
	if err := w.f.db.CreateLocation(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	w.locations = append(w.locations, l.ID)
	return l.ID
}

func (w *pulseWorld) team(t *testing.T, name string, location *int64) int64 {
	tm := &fresco.Team{Name: name, LocationID: location}
	if err := w.f.db.CreateTeam(context.Background(), tm); err != nil {
		t.Fatal(err)
	}
	w.teams = append(w.teams, tm.ID)
	return tm.ID
}

// hire adds n agents to a team and/or location under label.
func (w *pulseWorld) hire(t *testing.T, label string, n int, team, location *int64) {
	for range n {
		i := len(w.staff[label])
		e := &fresco.Employee{Email: fmt.Sprintf("%s-%d-%d@example.com", label, i, rand.Int()), Name: label,
			Role: fresco.RoleAgent, TeamID: team, LocationID: location, Active: true}
		if err := w.f.db.CreateEmployee(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		w.staff[label] = append(w.staff[label], e)
	}
}

// answerAll has everyone under label answer pulse p with satisfaction s.
func (w *pulseWorld) answerAll(t *testing.T, p *fresco.Pulse, label string, s int, text string) {
	for _, e := range w.staff[label] {
		w.answer(t, p, e, s, text)
	}
}

func (w *pulseWorld) answer(t *testing.T, p *fresco.Pulse, e *fresco.Employee, s int, text string) {
	t.Helper()
	enps := 2 * s
	a := map[string]fresco.PulseAnswer{pulse.KeySatisfaction: {Score: &s}, pulse.KeyCapability: {Score: &s},
		pulse.KeyLatitude: {Score: &s}, pulse.KeyENPS: {Score: &enps}, pulse.KeyDecisions: {Text: text}}
	if err := w.f.app.Pulse.Answer(context.Background(), e.ID, p.ID, a); err != nil {
		t.Fatal(err)
	}
}

func (w *pulseWorld) open(t *testing.T, at time.Time) *fresco.Pulse {
	t.Helper()
	w.clock.Set(at)
	p, opened, err := w.f.app.Pulse.OpenMonth(context.Background(), at)
	if err != nil || !opened {
		t.Fatalf("OpenMonth(%s) = %v, %v", at, opened, err)
	}
	return p
}

func (w *pulseWorld) results(t *testing.T, query string) *pulse.Results {
	t.Helper()
	res := w.f.do(request{method: "GET", path: "/api/v1/pulses/results?" + query, role: fresco.RoleAnalyst})
	if res.Code != http.StatusOK {
		t.Fatalf("results?%s = %s", query, res)
	}
	var r pulse.Results
	if err := json.Unmarshal(res.Body, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func cellOf(r *pulse.Results, unit int64, period string) *pulse.Cell {
	for i := range r.Units {
		if r.Units[i].Unit.ID == unit && r.Units[i].Period == period {
			return &r.Units[i]
		}
	}
	return nil
}

// TestPulseThroughTheAPI opens a month's pulse, has staff answer it, and
// reads the results by team and location: hidden while open, then shown
// per unit with n ≥ 5, the complementary cell hidden too.
func TestPulseThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newPulseWorld(t, db)
		l1, l2 := w.location(t, "North"), w.location(t, "South")
		a, b, c := w.team(t, "Alpha", &l1), w.team(t, "Bravo", &l1), w.team(t, "Charlie", &l2)
		w.hire(t, "a", 6, &a, &l1)
		w.hire(t, "b", 2, &b, nil) // counts at the team's location
		w.hire(t, "c", 5, &c, &l2)
		w.hire(t, "solo", 1, nil, &l1) // no team

		p := w.open(t, time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))
		if p.Invited != 14 || p.Period != "2025-03" {
			t.Fatalf("pulse = %+v, want 14 invited for 2025-03", p)
		}
		// Everyone was told in the UI and by e-mail.
		var notes, mails int
		must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM notifications WHERE event = 'pulse.opened'`).Scan(&notes))
		must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM email_messages e JOIN notifications n ON n.id = e.notification_id WHERE n.event = 'pulse.opened'`).Scan(&mails))
		if notes != 14 || mails != 14 {
			t.Errorf("pulse.opened: %d notifications, %d e-mails, want 14 each", notes, mails)
		}
		// A second run of the job in the month does nothing.
		if _, opened, err := w.f.app.Pulse.OpenMonth(context.Background(), w.clock.Now()); err != nil || opened {
			t.Fatalf("second OpenMonth: opened=%v err=%v", opened, err)
		}

		w.answerAll(t, p, "a", 4, "approve refunds up to 50")
		w.answerAll(t, p, "b", 2, "")
		w.answerAll(t, p, "c", 5, "upgrade rooms")
		w.answerAll(t, p, "solo", 1, "the solo text")
		// One answer per employee per pulse.
		s := 3
		err := w.f.app.Pulse.Answer(context.Background(), w.staff["a"][0].ID, p.ID, map[string]fresco.PulseAnswer{
			pulse.KeySatisfaction: {Score: &s}, pulse.KeyCapability: {Score: &s}, pulse.KeyLatitude: {Score: &s}, pulse.KeyENPS: {Score: &s}})
		if fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Fatalf("second answer: %v, want a conflict", err)
		}

		// While open, nothing is shown.
		r := w.results(t, "by=team&period=month")
		for _, cell := range r.Units {
			if !cell.Hidden || cell.Reason != pulse.ReasonOpen || cell.N != nil {
				t.Errorf("open pulse: cell %+v is not hidden as open", cell)
			}
		}

		w.clock.Set(time.Date(2025, 4, 2, 8, 0, 0, 0, time.UTC))
		byTeam := w.results(t, "by=team&period=month&from=2025-03&to=2025-03")
		byLoc := w.results(t, "by=location&from=2025-03-01&to=2025-03-31")
		// Bravo (2) is under the floor; Alpha (6) would let North (9) minus
		// Alpha reveal Bravo and the solo agent (3): hidden too.
		if cell := cellOf(byTeam, b, "2025-03"); !cell.Hidden || cell.Reason != pulse.ReasonFewer || cell.N != nil || cell.Scales != nil {
			t.Errorf("Bravo = %+v, want hidden: fewer", cell)
		}
		if cell := cellOf(byTeam, a, "2025-03"); !cell.Hidden || cell.Reason != pulse.ReasonComplement {
			t.Errorf("Alpha = %+v, want hidden by the complementary rule", cell)
		}
		charlie := cellOf(byTeam, c, "2025-03")
		if charlie.Hidden || *charlie.N != 5 || charlie.ENPS == nil || charlie.ENPS.Promoters != 5 || charlie.ENPS.ENPS != 100 {
			t.Fatalf("Charlie = %+v, want 5 answers, all promoters", charlie)
		}
		if len(charlie.Scales) != 3 || charlie.Scales[0].Key != pulse.KeySatisfaction || charlie.Scales[0].Mean != 5 {
			t.Errorf("Charlie's scales = %+v", charlie.Scales)
		}
		north := cellOf(byLoc, l1, "2025-03")
		if north.Hidden || *north.N != 9 {
			t.Fatalf("North = %+v, want 9 answers", north)
		}
		// (6·4 + 2·2 + 1)/9
		if got := north.Scales[0].Mean; got < 3.2 || got > 3.23 || north.Scales[0].CILow >= got || north.Scales[0].CIHigh <= got {
			t.Errorf("North satisfaction = %+v, want 29/9 inside its interval", north.Scales[0])
		}
		texts := north.Comments[0].Texts
		if len(texts) != 7 || texts[0] != "approve refunds up to 50" || texts[6] != "the solo text" {
			t.Errorf("North's texts = %q, want 7 in alphabetical order", texts)
		}
		if all := byTeam.All[0]; all.Hidden || *all.N != 14 {
			t.Errorf("all staff = %+v, want 14", all)
		}

		// A closed pulse takes no imports; an unknown team is named.
		res := w.f.do(request{method: "POST", path: fmt.Sprintf("/api/v1/pulses/%d/answers", p.ID), role: fresco.RoleOwner,
			body: fmt.Sprintf(`{"team_id":%d,"answers":{"satisfaction":3,"capability":3,"latitude":3,"enps":7}}`, a)})
		problem(t, res, http.StatusConflict)
	})
}

// TestPulseImportValidation sends bad imports: each is refused with the
// field named and nothing stored.
func TestPulseImportValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newPulseWorld(t, db)
		l := w.location(t, "North")
		team := w.team(t, "Alpha", &l)
		p := w.open(t, time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))
		path := fmt.Sprintf("/api/v1/pulses/%d/answers", p.ID)
		good := `"satisfaction":4,"capability":3,"latitude":2,"enps":9`
		for _, tc := range []struct{ body, field string }{
			{`{"answers":{` + good + `}}`, "team_id"},
			{`{"team_id":999999,"answers":{` + good + `}}`, "team_id"},
			{fmt.Sprintf(`{"team_id":%d,"location_id":999999,"answers":{%s}}`, team, good), "location_id"},
			{fmt.Sprintf(`{"team_id":%d,"answers":{"satisfaction":4,"capability":3,"latitude":2}}`, team), "answers.enps"},
			{fmt.Sprintf(`{"team_id":%d,"answers":{"satisfaction":6,"capability":3,"latitude":2,"enps":9}}`, team), "answers.satisfaction"},
			{fmt.Sprintf(`{"team_id":%d,"answers":{"satisfaction":4,"capability":3.5,"latitude":2,"enps":9}}`, team), "answers.capability"},
			{fmt.Sprintf(`{"team_id":%d,"answers":{"satisfaction":4,"capability":3,"latitude":"yes","enps":9}}`, team), "answers.latitude"},
			{fmt.Sprintf(`{"team_id":%d,"answers":{%s,"mood":3}}`, team, good), "answers.mood"},
			{fmt.Sprintf(`{"team_id":%d,"answers":{%s,"decisions":7}}`, team, good), "answers.decisions"},
			{fmt.Sprintf(`{"team_id":%d,"answers":{}}`, team), "answers"},
		} {
			res := w.f.do(request{method: "POST", path: path, role: fresco.RoleOwner, body: tc.body})
			if res.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s: %s, want 422", tc.body, res)
				continue
			}
			if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body."+tc.field] == "" {
				t.Errorf("%s: fields %v, want %s named", tc.body, fields, tc.field)
			}
		}
		got, err := db.Pulse(context.Background(), p.ID)
		if err != nil || got.Responses != 0 {
			t.Fatalf("after bad imports: %+v, %v; want no response stored", got, err)
		}
		w.f.call(fresco.RoleOwner, "POST", path, fmt.Sprintf(`{"team_id":%d,"answers":{%s,"decisions":"more say on upgrades"}}`, team, good), 201)
		if got, _ := db.Pulse(context.Background(), p.ID); got.Responses != 1 {
			t.Errorf("after a good import: %d responses, want 1", got.Responses)
		}
	})
}

// TestPulseQuestionsVersioned edits the questions: the new version asks
// the new wording, the earlier pulse's results keep theirs.
func TestPulseQuestionsVersioned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newPulseWorld(t, db)
		l := w.location(t, "North")
		team := w.team(t, "Alpha", &l)
		w.hire(t, "a", 5, &team, &l)
		march := w.open(t, time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))
		w.answerAll(t, march, "a", 4, "")

		qs := w.f.call(fresco.RoleOwner, "GET", "/api/v1/pulses/questions", nil, 200)["questions"].([]any)
		qs[0].(map[string]any)["text"] = "How happy are you at work?"
		qs = append(qs, map[string]any{"key": "tools", "kind": "scale", "text": "My tools work."})
		set := w.f.call(fresco.RoleOwner, "PUT", "/api/v1/pulses/questions", map[string]any{"questions": qs}, 200)
		if set["version"].(float64) != 2 {
			t.Fatalf("new version = %v, want 2", set["version"])
		}
		// The core questions stay.
		res := w.f.do(request{method: "PUT", path: "/api/v1/pulses/questions", role: fresco.RoleOwner,
			body: `{"questions":[{"key":"satisfaction","kind":"text","text":"Hm?"}]}`})
		if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body.questions[0].kind"] == "" || fields["body.questions"] == "" {
			t.Errorf("removing core questions: %v", fields)
		}

		april := w.open(t, time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC))
		if april.QuestionVersion != 2 || march.QuestionVersion != 1 {
			t.Fatalf("versions: march %d, april %d", march.QuestionVersion, april.QuestionVersion)
		}
		tools := 5
		for _, e := range w.staff["a"] {
			s, n := 3, 8
			must(t, w.f.app.Pulse.Answer(context.Background(), e.ID, april.ID, map[string]fresco.PulseAnswer{
				pulse.KeySatisfaction: {Score: &s}, pulse.KeyCapability: {Score: &s}, pulse.KeyLatitude: {Score: &s},
				pulse.KeyENPS: {Score: &n}, "tools": {Score: &tools}}))
		}
		w.clock.Set(time.Date(2025, 5, 2, 0, 0, 0, 0, time.UTC))
		r := w.results(t, "by=team&from=2025-03&to=2025-04")
		m, a := cellOf(r, team, "2025-03"), cellOf(r, team, "2025-04")
		if m.Scales[0].Question != pulse.DefaultQuestions[0].Text || a.Scales[0].Question != "How happy are you at work?" {
			t.Errorf("wording: march %q, april %q", m.Scales[0].Question, a.Scales[0].Question)
		}
		if len(m.Scales) != 3 || len(a.Scales) != 4 || a.Scales[3].Key != "tools" || a.Scales[3].Mean != 5 {
			t.Errorf("scales: march %+v, april %+v", m.Scales, a.Scales)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestPulseAnonymityFloor tries to attribute pulse answers through every
// filter combination of the results endpoint, on random organisations
// with small teams, staff without a team or location, a team whose staff
// work at two locations, someone who leaves and someone who moves team.
// It collects every cell any query publishes and checks, independently of
// the rule the server implements:
//   - a cell is the same whatever from/to asked for it;
//   - a hidden cell carries no figure;
//   - no sum of 1 to 4 answers can be formed from published cells by any
//     linear combination (differences of overlapping cells included), and
//   - every published free text could have come from at least 5 people.
func TestPulseAnonymityFloor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newPulseWorld(t, db)
		for round := range 4 {
			w.attack(t, rand.New(rand.NewPCG(uint64(round), 13)), time.Date(2025, time.Month(1+2*round), 1, 9, 0, 0, 0, time.UTC))
		}
	})
}

// atomKey is the finest grouping an answer has: its team and location.
type atomKey struct{ team, location int64 }

// orgMember is an employee of a random organisation and the atom their
// answers count in.
type orgMember struct {
	e    *fresco.Employee
	atom atomKey
}

// randomOrg is an organisation for the anonymity tests: 2 or 3 locations,
// 3 to 2+teams teams of 1 to size (one at no location), one member of the
// first team working at another location, and 1 to loose staff without a
// team.
type randomOrg struct {
	locs, teams []int64
	teamLoc     map[int64]*int64
	staff       []*orgMember
}

func (w *pulseWorld) randomOrg(t *testing.T, r *rand.Rand, round string, teams, size, loose int) *randomOrg {
	o := &randomOrg{teamLoc: map[int64]*int64{}}
	for i := range 2 + r.IntN(2) {
		o.locs = append(o.locs, w.location(t, fmt.Sprintf("L%s-%d", round, i)))
	}
	add := func(team, teamLoc, loc *int64) {
		w.hire(t, "x"+round, 1, team, loc)
		m := &orgMember{e: w.staff["x"+round][len(w.staff["x"+round])-1]}
		if team != nil {
			m.atom.team = *team
		}
		switch {
		case loc != nil:
			m.atom.location = *loc
		case teamLoc != nil:
			m.atom.location = *teamLoc
		}
		o.staff = append(o.staff, m)
	}
	for i := range 3 + r.IntN(teams) {
		var loc *int64
		if r.IntN(5) > 0 {
			loc = &o.locs[r.IntN(len(o.locs))]
		}
		team := w.team(t, fmt.Sprintf("T%s-%d", round, i), loc)
		o.teams = append(o.teams, team)
		o.teamLoc[team] = loc
		for range 1 + r.IntN(size) {
			add(&team, loc, nil)
		}
		if i == 0 { // someone of this team works at another location
			add(&team, loc, &o.locs[len(o.locs)-1])
		}
	}
	for range 1 + r.IntN(loose) { // staff without a team
		add(nil, nil, &o.locs[r.IntN(len(o.locs))])
	}
	return o
}

// leaveAndMove has the first member leave and the middle one move to the
// last team (counting at its location when they have none of their own).
func (o *randomOrg) leaveAndMove(t *testing.T, w *pulseWorld) {
	ctx := context.Background()
	leaver, mover := o.staff[0], o.staff[len(o.staff)/2]
	leaver.e.Active = false
	must(t, w.f.db.UpdateEmployee(ctx, leaver.e))
	last := o.teams[len(o.teams)-1]
	mover.e.TeamID = &last
	must(t, w.f.db.UpdateEmployee(ctx, mover.e))
	mover.atom.team = last
	if mover.e.LocationID == nil {
		mover.atom.location = 0
		if l := o.teamLoc[last]; l != nil {
			mover.atom.location = *l
		}
	}
}

func (w *pulseWorld) attack(t *testing.T, r *rand.Rand, start time.Time) {
	org := w.randomOrg(t, r, start.Format("0601"), 4, 8, 3)
	staff := org.staff

	months := []time.Time{start, start.AddDate(0, 1, 0)}
	truth := map[string]map[atomKey]int{} // month → atom → answers
	texts := map[string]atomKey{}         // text → the atom of its writer
	for mi, at := range months {
		month := at.Format("2006-01")
		truth[month] = map[atomKey]int{}
		p := w.open(t, at)
		if mi == 1 { // month 1 has closed: one leaves, one moves to another team; its cells stay as they were
			q := "by=team&from=" + months[0].Format("2006-01") + "&to=" + months[0].Format("2006-01")
			before := w.results(t, q)
			org.leaveAndMove(t, w)
			if after := w.results(t, q); !sameResults(before, after) {
				t.Errorf("a leaver and a mover changed last month's results:\n%+v\n%+v", before, after)
			}
		}
		for i, m := range staff {
			if !m.e.Active || r.IntN(6) == 0 { // not everyone answers
				continue
			}
			text := ""
			if r.IntN(2) == 0 {
				text = fmt.Sprintf("idea %s of %d", month, m.e.ID)
				texts[text] = m.atom
			}
			w.answer(t, p, m.e, 1+(i+mi)%5, text)
			truth[month][m.atom]++
		}
	}
	w.clock.Set(months[1].AddDate(0, 1, 5))

	m1, m2 := months[0].Format("2006-01"), months[1].Format("2006-01")
	published := map[string]pulse.Cell{} // "unit kind/id month" → cell
	for _, by := range []string{"team", "location"} {
		for _, span := range [][2]string{{m1, m1}, {m2, m2}, {m1, m2}, {months[0].Format("2006-01-02"), months[1].AddDate(0, 0, 20).Format("2006-01-02")}, {"", m2}} {
			q := "by=" + by + "&period=month&to=" + span[1]
			if span[0] != "" {
				q += "&from=" + span[0]
			}
			collect(t, published, w.results(t, q), m1, m2)
		}
	}

	w.goalsReadOnlyPublished(t, published, months)

	for _, month := range []string{m1, m2} {
		atoms := make([]atomKey, 0, len(truth[month]))
		for a := range truth[month] {
			atoms = append(atoms, a)
		}
		var rows [][]int // each published cell over the atoms
		shown := 0
		for _, c := range published {
			if c.Period != month || c.Hidden {
				continue
			}
			shown++
			row := make([]int, len(atoms))
			n := 0
			for i, a := range atoms {
				if inUnit(c.Unit, a) {
					row[i], n = 1, n+truth[month][a]
				}
			}
			if *c.N != n || n < pulse.MinN {
				t.Errorf("%s %s/%d: n = %d, the answers in it %d", month, c.Unit.Kind, c.Unit.ID, *c.N, n)
			}
			rows = append(rows, row)
			// Texts: the people who could have written each are those whose
			// atoms lie in exactly the same published cells.
			for _, cm := range c.Comments {
				for _, text := range cm.Texts {
					if a, ok := texts[text]; !ok || !inUnit(c.Unit, a) {
						t.Errorf("text %q listed in %s/%d", text, c.Unit.Kind, c.Unit.ID)
					} else if k := w.lookAlikes(published, month, truth[month], a); k < pulse.MinN {
						t.Errorf("text %q can be narrowed down to %d people", text, k)
					}
				}
			}
		}
		if shown == 0 {
			t.Logf("%s: nothing published", month)
		}
		// Every set of atoms holding 1 to 4 answers must be out of reach
		// of every linear combination of the published cells.
		null := nullSpace(rows, len(atoms)) // anonymity_test.go
		for set := 1; set < 1<<len(atoms); set++ {
			n := 0
			var target []int
			for i, a := range atoms {
				if set&(1<<i) != 0 {
					target, n = append(target, i), n+truth[month][a]
				}
			}
			if n >= 1 && n < pulse.MinN && orthogonal(null, target) {
				t.Errorf("%s: %d answers (atoms %v) can be isolated from the published cells", month, n, target)
			}
		}
	}
}

// collect adds the cells of res for the given periods to published,
// checking that a hidden cell carries no figure and that a cell is the
// same whatever query published it.
func collect(t *testing.T, published map[string]pulse.Cell, res *pulse.Results, periods ...string) {
	t.Helper()
	for _, c := range append(res.Units, res.All...) {
		if !slices.Contains(periods, c.Period) {
			continue
		}
		if c.Hidden && (c.N != nil || c.Scales != nil || c.ENPS != nil || c.Comments != nil) {
			t.Errorf("hidden cell %+v carries figures", c)
		}
		key := fmt.Sprintf("%s/%d %s", c.Unit.Kind, c.Unit.ID, c.Period)
		if prev, ok := published[key]; ok && !sameCell(prev, c) {
			t.Errorf("cell %s differs between queries: %+v vs %+v", key, prev, c)
		}
		published[key] = c
	}
}

// lookAlikes counts the answers whose atoms are in exactly the published
// cells of month that contain atom a.
func (w *pulseWorld) lookAlikes(published map[string]pulse.Cell, month string, atoms map[atomKey]int, a atomKey) int {
	signature := func(x atomKey) string {
		var in []string
		for key, c := range published {
			if c.Period == month && !c.Hidden && inUnit(c.Unit, x) {
				in = append(in, key)
			}
		}
		slices.Sort(in)
		return strings.Join(in, ";")
	}
	mine, n := signature(a), 0
	for x, count := range atoms {
		if signature(x) == mine {
			n += count
		}
	}
	return n
}

func inUnit(u pulse.Unit, a atomKey) bool {
	switch u.Kind {
	case pulse.UnitTeam:
		return a.team == u.ID
	case pulse.UnitLocation:
		return a.location == u.ID
	}
	return true
}

func sameResults(a, b *pulse.Results) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func sameCell(a, b pulse.Cell) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
