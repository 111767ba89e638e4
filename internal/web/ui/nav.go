package ui

import (
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
)

// navItem is one section of the main navigation, in the order shown.
type navItem struct {
	Label string
	// Path is the section's page. A section whose page does not exist yet
	// has no Path and is not shown: to add one, write its handler, register
	// its route in internal/web/routes.go and set Path here.
	Path string
	// Allow reports whether a role may open the section; nil means every
	// signed-in role.
	Allow func(fresco.Role) bool
}

// navGroup is a heading of the main navigation and the sections under it:
// twenty sections in one row do not fit a laptop's screen, and grouped the
// way the work is (customers, feedback, service, people) each is two
// clicks away and easy to find.
type navGroup struct {
	Label string
	Items []navItem
}

// navigation is the whole menu of the product.
var navigation = []navGroup{
	{Label: "Customers", Items: []navItem{
		{Label: "Customers", Path: "/customers"},
		{Label: "Before you serve", Path: "/serve"},    // internal/anticipate: a customer's notes, open cases, usual buys, next actions
		{Label: "Next actions", Path: "/next-actions"}, // internal/anticipate: next best actions across customers
		{Label: "Purchases", Path: "/purchases"},
	}},
	{Label: "Lifetime value", Items: []navItem{
		{Label: "Lifetime value", Path: "/value"}, // internal/value: average vs loyal, CLV, P(alive)
	}},
	{Label: "Feedback", Items: []navItem{
		{Label: "Feedback", Path: "/feedback"},    // internal/feedback: listening posts, NPS
		{Label: "Responses", Path: "/responses"},  // every answer and comment, filtered
		{Label: "Follow-ups", Path: "/followups"}, // internal/loop: the closed loop
		{Label: "Goals", Path: "/goals"},          // internal/goals: satisfaction goals, on track or not
	}},
	{Label: "Service", Items: []navItem{
		{Label: "Cases", Path: "/cases"}, // internal/recovery: service recovery
		{Label: "Process maps", Path: "/process-maps", Allow: fresco.Role.CanManageEmployees}, // internal/processmap: designed service processes and their fail points
		{Label: "Process", Path: "/process", Allow: processlog.CanRead},                       // internal/mining: the process as it ran, mined from Fresco's own work or a stored log
	}},
	{Label: "People", Items: []navItem{
		{Label: "Employees", Path: "/employees", Allow: fresco.Role.CanManageEmployees},
		{Label: "Pulse", Path: "/pulse"},                                 // internal/pulse: the monthly staff pulse, answered by all, results for all but agents
		{Label: "Recognition", Path: "/recognition"},                     // internal/rewards: nominations, recovered customers, kind words; rewards and scorecards from there
		{Label: "Latitude", Path: "/latitude", Allow: notAgent},          // internal/latitude: limits beside staff's asks and approvals
		{Label: "Turnover", Path: "/turnover", Allow: notAgent},          // internal/people: what turnover costs
		{Label: "Service-profit chain", Path: "/chain", Allow: notAgent}, // internal/chain: the chain measured
	}},
	{Label: "Admin", Items: []navItem{
		{Label: "Audit log", Path: "/audit", Allow: fresco.Role.CanManageUsers},
		{Label: "Settings", Path: "/settings", Allow: fresco.Role.CanManageUsers}, // the business's name, zone, currency (ui/settings.go)
	}},
}

func notAgent(r fresco.Role) bool { return r != fresco.RoleAgent }

// navLink is a navigation item as rendered for one request.
type navLink struct {
	Label  string
	Path   string
	Active bool
}

// navSection is a group as rendered for one request: the links the role
// may follow, and whether one of them is the current page. A group left
// with a single link is shown as that link.
type navSection struct {
	Label  string
	ID     string // the id of its menu, for aria-controls
	Active bool
	Links  []navLink
}

// navFor returns the groups and links role may follow, marking the link
// (and its group) that contains the current path.
func navFor(role fresco.Role, current string) []navSection {
	var sections []navSection
	for _, g := range navigation {
		sec := navSection{Label: g.Label, ID: "nav-" + strings.ReplaceAll(strings.ToLower(g.Label), " ", "-")}
		for _, it := range g.Items {
			if it.Path == "" || (it.Allow != nil && !it.Allow(role)) {
				continue
			}
			active := current == it.Path || strings.HasPrefix(current, it.Path+"/")
			sec.Active = sec.Active || active
			sec.Links = append(sec.Links, navLink{Label: it.Label, Path: it.Path, Active: active})
		}
		if len(sec.Links) > 0 {
			sections = append(sections, sec)
		}
	}
	return sections
}

// NavPaths returns the pages of the main navigation.
func NavPaths() []string {
	var paths []string
	for _, g := range navigation {
		for _, it := range g.Items {
			if it.Path != "" {
				paths = append(paths, it.Path)
			}
		}
	}
	return paths
}
