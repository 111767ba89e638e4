package demo

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// The organisation: four locations in three time zones, a team per location
// and a head office, 24 employees.

type siteKey uint8

const (
	cityHotel siteKey = iota
	seasideHotel
	cafe
	onlineShop
)

// site is a location with its team and the staff who serve customers there.
type site struct {
	key     siteKey
	loc     *fresco.Location
	tz      *time.Location
	team    *fresco.Team
	manager *fresco.Employee
	staff   []*fresco.Employee // the manager and the agents, who serve purchases here
}

type siteSpec struct {
	key               siteKey
	name, tz, address string
	team              string
	agents            int
}

var siteSpecs = []siteSpec{
	{cityHotel, "Fresco City Hotel", "America/New_York", "88 Harbor Street, Boston, MA 02110", "City Hotel front desk", 5},
	{seasideHotel, "Fresco Seaside Hotel", "America/Los_Angeles", "1 Ocean Drive, Santa Cruz, CA 95060", "Seaside Hotel guest services", 5},
	{cafe, "Fresco Café", "America/Chicago", "240 Wells Street, Chicago, IL 60606", "Café crew", 4},
	{onlineShop, "Fresco Online Shop", "America/New_York", "web", "Online shop & reservations", 3},
}

// A known login: a fixed e-mail address and name, so the demo can be tried
// in every role.
type login struct{ email, name string }

var (
	ownerLogin   = login{OwnerEmail, "Olivia Owner"}
	managerLogin = login{ManagerEmail, "Max Manager"} // manages the City Hotel
	agentLogin   = login{AgentEmail, "Alex Agent"}    // works at the City Hotel
	analystLogin = login{AnalystEmail, "Ana Analyst"}
)

const analysts = 2

// generateOrganisation stores the locations, teams and employees, and sets
// the password hash of the known logins.
func generateOrganisation(ctx context.Context, w *world, r *rng) error {
	for _, l := range []login{ownerLogin, managerLogin, agentLogin, analystLogin} {
		w.names.reserve(l.email)
	}
	err := w.db.InTx(ctx, func(tx *store.Tx) error {
		if err := createSites(ctx, tx, w); err != nil {
			return err
		}
		if err := createHeadOffice(ctx, tx, w, r); err != nil {
			return err
		}
		for _, s := range w.sites {
			if err := createSiteTeam(ctx, tx, w, r, s); err != nil {
				return err
			}
		}
		return setLoginPasswords(ctx, tx, w)
	})
	if err != nil {
		return err
	}
	w.summary.Locations = len(w.sites)
	w.summary.Teams = len(w.teams)
	w.summary.Employees = len(w.employees)
	w.summary.OwnerEmail = ownerLogin.email
	return nil
}

func createSites(ctx context.Context, tx *store.Tx, w *world) error {
	for _, spec := range siteSpecs {
		tz, err := time.LoadLocation(spec.tz)
		if err != nil {
			return err
		}
		loc := &fresco.Location{Name: spec.name, Timezone: spec.tz, Address: spec.address}
		if err := tx.CreateLocation(ctx, loc); err != nil {
			return err
		}
		w.sites = append(w.sites, &site{key: spec.key, loc: loc, tz: tz})
	}
	return nil
}

// createHeadOffice stores the owner, the analysts and their team.
func createHeadOffice(ctx context.Context, tx *store.Tx, w *world, r *rng) error {
	owner := &fresco.Employee{Email: ownerLogin.email, Name: ownerLogin.name, Role: fresco.RoleOwner,
		Active: true, HiredAt: ptr(w.start.AddDate(-8, 0, 0))}
	team := &fresco.Team{Name: "Head office"}
	if err := createTeamWithManager(ctx, tx, w, team, owner); err != nil {
		return err
	}
	for i := range analysts {
		a := &fresco.Employee{Role: fresco.RoleAnalyst, TeamID: &team.ID, Active: true,
			HiredAt: ptr(w.start.Add(-years(r.between(0.5, 4))))}
		if i == 0 {
			a.Email, a.Name = analystLogin.email, analystLogin.name
		} else {
			a.Name, a.Email = staffIdentity(r, w.names)
		}
		if err := createEmployee(ctx, tx, w, a); err != nil {
			return err
		}
	}
	return nil
}

// createSiteTeam stores a location's manager, team and agents. The first
// two agents were hired before the history starts, so every location always
// has someone to serve; the others join during it.
func createSiteTeam(ctx context.Context, tx *store.Tx, w *world, r *rng, s *site) error {
	spec := siteSpecs[s.key]
	manager := &fresco.Employee{Role: fresco.RoleManager, LocationID: &s.loc.ID, Active: true,
		HiredAt: ptr(w.start.Add(-years(r.between(1, 6))))}
	if s.key == cityHotel {
		manager.Email, manager.Name = managerLogin.email, managerLogin.name
	} else {
		manager.Name, manager.Email = staffIdentity(r, w.names)
	}
	s.team = &fresco.Team{Name: spec.team, LocationID: &s.loc.ID}
	if err := createTeamWithManager(ctx, tx, w, s.team, manager); err != nil {
		return err
	}
	s.manager = manager
	s.staff = append(s.staff, manager)
	for i := range spec.agents {
		hired := w.start.Add(-years(r.between(0.2, 4)))
		if i >= 2 {
			hired = w.at(r.between(-0.5, 0.85))
		}
		a := &fresco.Employee{Role: fresco.RoleAgent, LocationID: &s.loc.ID, TeamID: &s.team.ID,
			Active: true, HiredAt: ptr(hired.Truncate(day))}
		if s.key == cityHotel && i == 0 {
			a.Email, a.Name = agentLogin.email, agentLogin.name
		} else {
			a.Name, a.Email = staffIdentity(r, w.names)
		}
		if err := createEmployee(ctx, tx, w, a); err != nil {
			return err
		}
		s.staff = append(s.staff, a)
	}
	return nil
}

// createTeamWithManager stores the manager, then the team they manage, then
// puts the manager in it: teams refer to their manager and employees to
// their team.
func createTeamWithManager(ctx context.Context, tx *store.Tx, w *world, team *fresco.Team, manager *fresco.Employee) error {
	if err := createEmployee(ctx, tx, w, manager); err != nil {
		return err
	}
	team.ManagerID = &manager.ID
	if err := tx.CreateTeam(ctx, team); err != nil {
		return err
	}
	w.teams = append(w.teams, team)
	manager.TeamID = &team.ID
	return tx.UpdateEmployee(ctx, manager)
}

func createEmployee(ctx context.Context, tx *store.Tx, w *world, e *fresco.Employee) error {
	if err := tx.CreateEmployee(ctx, e); err != nil {
		return err
	}
	w.employees = append(w.employees, e)
	return nil
}

func setLoginPasswords(ctx context.Context, tx *store.Tx, w *world) error {
	for _, l := range []login{ownerLogin, managerLogin, agentLogin, analystLogin} {
		w.summary.Logins = append(w.summary.Logins, l.email)
		if w.opts.PasswordHash == "" {
			continue
		}
		for _, e := range w.employees {
			if e.Email == l.email {
				if err := tx.SetPasswordHash(ctx, e.ID, w.opts.PasswordHash); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// staffIdentity draws an employee's name and work e-mail address.
func staffIdentity(r *rng, names *namer) (name, email string) {
	first, last := names.person(r)
	return first + " " + last, names.email(r, first, last, "example.com")
}

// serverAt picks who served a purchase at s at time t: an agent (or, less
// often, the manager) already hired by then.
func (s *site) serverAt(r *rng, t time.Time) *int64 {
	weights := make([]float64, len(s.staff))
	for i, e := range s.staff {
		switch {
		case e.HiredAt != nil && e.HiredAt.After(t):
			weights[i] = 0
		case e.Role == fresco.RoleManager:
			weights[i] = 0.3
		default:
			weights[i] = 1
		}
	}
	id := s.staff[r.pick(weights)].ID
	return &id
}

func ptr[T any](v T) *T { return &v }

// managersByLocation is each location's manager, by location id.
func (w *world) managersByLocation() map[int64]*fresco.Employee {
	out := make(map[int64]*fresco.Employee, len(w.sites))
	for _, s := range w.sites {
		out[s.loc.ID] = s.manager
	}
	return out
}
