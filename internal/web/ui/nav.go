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

// navigation is the whole menu of the product.
var navigation = []navItem{
	{Label: "Before you serve", Path: "/serve"}, // internal/anticipate: a customer's notes, open cases, usual buys, next actions
	{Label: "Customers", Path: "/customers"},
	{Label: "Next actions", Path: "/next-actions"}, // internal/anticipate: next best actions across customers
	{Label: "Purchases", Path: "/purchases"},
	{Label: "Lifetime value", Path: "/value"},                                             // internal/value: average vs loyal, CLV, P(alive)
	{Label: "Feedback", Path: "/feedback"},                                                // internal/feedback: listening posts, NPS
	{Label: "Responses", Path: "/responses"},                                              // every answer and comment, filtered
	{Label: "Follow-ups", Path: "/followups"},                                             // internal/loop: the closed loop
	{Label: "Cases", Path: "/cases"},                                                      // internal/recovery: service recovery
	{Label: "Goals", Path: "/goals"},                                                      // internal/goals: satisfaction goals, on track or not
	{Label: "Process maps", Path: "/process-maps", Allow: fresco.Role.CanManageEmployees}, // internal/processmap: designed service processes and their fail points
	{Label: "Process", Path: "/process", Allow: processlog.CanRead},                       // internal/mining: the process as it ran, mined from Fresco's own work or a stored log
	{Label: "Pulse", Path: "/pulse"},                                                      // internal/pulse: the monthly staff pulse, answered by all, results for all but agents
	{Label: "Recognition", Path: "/recognition"},                                          // internal/rewards: nominations, recovered customers, kind words; rewards and scorecards from there
	{Label: "Employees", Path: "/employees", Allow: fresco.Role.CanManageEmployees},
	{Label: "Latitude", Path: "/latitude", Allow: func(r fresco.Role) bool { return r != fresco.RoleAgent }},          // internal/latitude: limits beside staff's asks and approvals
	{Label: "Turnover", Path: "/turnover", Allow: func(r fresco.Role) bool { return r != fresco.RoleAgent }},          // internal/people: what turnover costs
	{Label: "Service-profit chain", Path: "/chain", Allow: func(r fresco.Role) bool { return r != fresco.RoleAgent }}, // internal/chain: the chain measured
	{Label: "Audit log", Path: "/audit", Allow: fresco.Role.CanManageUsers},
	{Label: "Settings", Path: "/settings", Allow: fresco.Role.CanManageUsers}, // the business's name, zone, currency (ui/settings.go)
}

// navLink is a navigation item as rendered for one request.
type navLink struct {
	Label  string
	Path   string
	Active bool
}

// navFor returns the links role may follow, marking the one that contains
// the current path.
func navFor(role fresco.Role, current string) []navLink {
	var links []navLink
	for _, it := range navigation {
		if it.Path == "" || (it.Allow != nil && !it.Allow(role)) {
			continue
		}
		active := current == it.Path || strings.HasPrefix(current, it.Path+"/")
		links = append(links, navLink{Label: it.Label, Path: it.Path, Active: active})
	}
	return links
}

// NavPaths returns the pages of the main navigation.
func NavPaths() []string {
	var paths []string
	for _, it := range navigation {
		if it.Path != "" {
			paths = append(paths, it.Path)
		}
	}
	return paths
}
