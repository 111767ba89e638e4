package web

// The API operations of service processes (event logs, process maps) and of
// anticipation (preference notes, next best actions, suggestions): the
// second half of routes_api.go, registered from it.

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/latitude"
)

// processAndAnticipationAPI registers the event-log, process-map,
// anticipation and suggestion operations.
func (s *Server) processAndAnticipationAPI() {
	// Process event logs (api_event_logs.go; package processlog): owners
	// and managers import and delete them; owners, managers and analysts
	// read them (they name who did what, when); agents neither.
	tags := []string{"Event logs"}
	register(s, huma.Operation{OperationID: "import-event-log", Method: http.MethodPost, Path: "/event-logs",
		Summary: "Import a process event log (XES or CSV)", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "The file is the raw body, or the part \"file\" of a multipart/form-data body. XES (IEEE 1849, plain or gzip): " +
			"concept:name, time:timestamp, org:resource, org:role, lifecycle:transition and the trace attributes. CSV: one line per " +
			"event, the columns named by case=, activity=, time=, resource=, role= and lifecycle= (other columns become case " +
			"attributes). At most 64 MiB (413) and 2,000,000 events. The log is stored whole or not at all: a bad file is a 422 " +
			"naming the line, a bad event one naming cases[i].events[j].field; a name already taken is a 409. Audited.",
		MaxBodyBytes: maxEventLogBytes, Errors: []int{http.StatusRequestEntityTooLarge}}, auth.ManageEmployees, s.importEventLog)
	register(s, huma.Operation{OperationID: "list-event-logs", Method: http.MethodGet, Path: "/event-logs",
		Summary: "The stored event logs, newest first", Tags: tags}, auth.ProcessLogs, s.listEventLogs)
	register(s, huma.Operation{OperationID: "get-event-log", Method: http.MethodGet, Path: "/event-logs/{id}",
		Summary: "One stored event log: its source, size and time span", Tags: tags}, auth.ProcessLogs, s.getEventLog)
	register(s, huma.Operation{OperationID: "delete-event-log", Method: http.MethodDelete, Path: "/event-logs/{id}",
		Summary: "Delete a stored event log and its events", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "Audited."}, auth.ManageEmployees, s.deleteEventLog)
	miningFilters := " Filters: from= and to= (days or times) keep the cases with an event in the period; where=attribute:value " +
		"(repeatable) keeps the cases whose attribute has the value; {id} is a stored log's id or own for Fresco's own work."
	register(s, huma.Operation{OperationID: "event-log-dfg", Method: http.MethodGet, Path: "/event-logs/{id}/dfg",
		Summary: "The directly-follows graph of a log: arcs with counts and waits", Tags: tags,
		Description: "As `fresco process dfg --json` prints it; business_hours=09:00-17:00 (and tz=) adds business-hours waits." + miningFilters},
		auth.ProcessLogs, s.miningDFG)
	register(s, huma.Operation{OperationID: "event-log-variants", Method: http.MethodGet, Path: "/event-logs/{id}/variants",
		Summary: "The variants of a log (activity sequences) with counts and share", Tags: tags, Description: "top= keeps the most frequent." + miningFilters},
		auth.ProcessLogs, s.miningVariants)
	register(s, huma.Operation{OperationID: "event-log-stats", Method: http.MethodGet, Path: "/event-logs/{id}/stats",
		Summary: "The size and span of a log, and its cases' throughput time", Tags: tags, Description: "As `fresco process stats --json` prints it." + miningFilters},
		auth.ProcessLogs, s.miningStats)
	// Designed process maps (api_process_maps.go; package processmap):
	// owners and managers draw them and mark fail points; everyone reads
	// them, agents too (they work in the lanes).
	tags = []string{"Process maps"}
	register(s, huma.Operation{OperationID: "list-process-maps", Method: http.MethodGet, Path: "/process-maps",
		Summary: "The designed process maps, at their current versions", Tags: tags}, auth.Read, s.listProcessMaps)
	register(s, huma.Operation{OperationID: "create-process-map", Method: http.MethodPost, Path: "/process-maps",
		Summary: "Draw a process map (owners and managers)", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Stored as version 1. Every bad field is named (422: lanes[1].name, activities[2].lane, arrows[0].to …) and nothing is " +
			"stored; an arrow must join two activities on the map. Audited."}, auth.ManageEmployees, s.createProcessMap)
	register(s, huma.Operation{OperationID: "get-process-map", Method: http.MethodGet, Path: "/process-maps/{id}",
		Summary: "One process map with its fail points, the customer's-shoes view and the flow it allows", Tags: tags}, auth.Read, s.getProcessMap)
	register(s, huma.Operation{OperationID: "patch-process-map", Method: http.MethodPatch, Path: "/process-maps/{id}",
		Summary: "Change a process map: a new version", Tags: tags,
		Description: ifMatchAdvice + " Each list sent (lanes, activities, arrows) replaces the map's. A change that changes nothing stores no " +
			"version. An activity or arrow carrying a fail point cannot be taken off the map (422). Audited."}, auth.ManageEmployees, s.patchProcessMap)
	register(s, huma.Operation{OperationID: "patch-process-maps", Method: http.MethodPatch, Path: "/process-maps",
		Summary: "Change the process map whose id the body gives: a new version", Tags: tags,
		Description: "The same change as PATCH /api/v1/process-maps/{id}, for clients that address the collection. " + ifMatchAdvice + " Audited."},
		auth.ManageEmployees, s.patchProcessMapByID)
	register(s, huma.Operation{OperationID: "process-map-versions", Method: http.MethodGet, Path: "/process-maps/{id}/versions",
		Summary: "Every version of a map, newest first: who, when, what changed and the map as it was", Tags: tags}, auth.Read, s.processMapVersions)
	register(s, huma.Operation{OperationID: "list-fail-points", Method: http.MethodGet, Path: "/process-maps/{id}/fail-points",
		Summary: "A map's fail points", Tags: tags}, auth.Read, s.listFailPoints)
	register(s, huma.Operation{OperationID: "mark-fail-point", Method: http.MethodPost, Path: "/process-maps/{id}/fail-points",
		Summary: "Mark a fail point on an activity or an arrow (owners and managers)", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Linked cases, responses and the owner must exist (422 naming case_ids, response_ids, owner_id). Audited."}, auth.ManageEmployees, s.markFailPoint)
	register(s, huma.Operation{OperationID: "patch-fail-point", Method: http.MethodPatch, Path: "/process-maps/{id}/fail-points/{fail_point_id}",
		Summary: "Change a fail point: its fix status, owner, evidence …", Tags: tags, Description: ifMatchAdvice + " Audited."}, auth.ManageEmployees, s.patchFailPoint)
	register(s, huma.Operation{OperationID: "delete-fail-point", Method: http.MethodDelete, Path: "/process-maps/{id}/fail-points/{fail_point_id}",
		Summary: "Delete a fail point marked by mistake (a fixed one is better kept as fixed)", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "Audited."}, auth.ManageEmployees, s.deleteFailPoint)
	// The real process on a designed map (api_process_overlay.go): read by
	// those who read event logs (owners, managers, analysts).
	register(s, huma.Operation{OperationID: "process-map-mined", Method: http.MethodGet, Path: "/process-maps/{id}/mined",
		Summary: "The real process on a designed map: counts and waits per arrow, frequencies per activity, arcs not in the design, real fail points", Tags: tags,
		Description: "log=own (Fresco's own work, the default) or a stored event log's id; from= and to= a period. Activities are matched by name, " +
			"ignoring case and surrounding spaces. A bad log, from or to is a 422 naming it."}, auth.ProcessLogs, s.processMapMined)
	register(s, huma.Operation{OperationID: "process-map-conformance", Method: http.MethodGet, Path: "/process-maps/{id}/conformance",
		Summary: "How the real cases fit a designed map: fitness, and each deviation with its cases", Tags: tags,
		Description: "The same log=, from= and to= as /mined. A case's fitness is the share of its steps (start, each directly-follows pair, end) " +
			"the map allows."}, auth.ProcessLogs, s.processMapConformance)

	// The latitude audit (api_latitude.go; package latitude): whether to widen authority limits.
	register(s, huma.Operation{OperationID: "latitude", Method: http.MethodGet, Path: "/latitude",
		Summary: "The latitude audit: authority limits beside what staff ask for and how approvals went", Tags: []string{"Latitude"},
		Description: "The limits per role and per employee; the answers to the pulse's open question \"What decisions could you make " +
			"that you can't now?\" counted by theme, only from pulse cells the anonymity floor publishes (quotes only when at least 5 " +
			"answers are counted, never with an author or a date finer than the month); and per role and gesture kind how many " +
			"gestures waited for approval, the approval rate with its 95% interval, the median wait, where the amounts lay against " +
			"the limit, and a recommendation when the data carry one. " + latitude.Rule}, auth.StaffAggregates, s.latitudeAudit)

	// Anticipatory service (api_anticipate.go; package anticipate):
	// preference notes (sensitive ones only for the roles the owner
	// allows) and next best actions.
	tags = []string{"Anticipation"}
	register(s, huma.Operation{OperationID: "list-customer-preferences", Method: http.MethodGet, Path: "/customers/{id}/preferences",
		Summary: "A customer's preference notes", Tags: tags,
		Description: "Oldest first, each with current (not expired). Sensitive notes are left out for roles the owner has not allowed " +
			"(settings' sensitive_note_roles); hidden_sensitive says how many."}, auth.Read, byKeyOp(s.listPreferences))
	register(s, huma.Operation{OperationID: "create-customer-preference", Method: http.MethodPost, Path: "/customers/{id}/preferences",
		Summary: "Record a preference note about a customer", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "A bad field is named (422) and nothing is stored. Audited (without the note's text)."}, auth.Write, s.createPreference)
	register(s, huma.Operation{OperationID: "get-preference", Method: http.MethodGet, Path: "/preferences/{id}",
		Summary: "One preference note", Tags: tags, Description: "A sensitive note your role does not see is not found (404)."}, auth.Read, s.getPreference)
	register(s, huma.Operation{OperationID: "patch-preference", Method: http.MethodPatch, Path: "/preferences/{id}",
		Summary: "Change a preference note", Tags: tags, Description: ifMatchAdvice + " Audited."}, auth.Write, s.patchPreference)
	register(s, huma.Operation{OperationID: "delete-preference", Method: http.MethodDelete, Path: "/preferences/{id}",
		Summary: "Delete a preference note", Tags: tags, DefaultStatus: http.StatusNoContent, Description: "Audited."}, auth.Write, s.deletePreference)
	register(s, huma.Operation{OperationID: "customer-next-actions", Method: http.MethodGet, Path: "/customers/{id}/next-actions",
		Summary: "A customer's next best actions, each with its reason and a link to act", Tags: tags, Description: nextActionsDoc}, auth.Read, byKeyOp(s.customerNextActions))
	register(s, huma.Operation{OperationID: "list-next-actions", Method: http.MethodGet, Path: "/next-actions",
		Summary: "Next best actions across customers", Tags: tags,
		Description: "The most pressing kind first, then the most recently due. Each kind reads a bounded number of candidates from an " +
			"index, so the list is quick at any size: a customer it does not reach still has their actions on their own page. " + nextActionsDoc}, auth.Read, s.listNextActions)
	register(s, huma.Operation{OperationID: "dismiss-next-action", Method: http.MethodPost, Path: "/next-actions/{kind}/{customer}/dismiss",
		Summary: "Dismiss a next best action", Tags: tags, Description: "That kind of action stays off the customer's list for 90 days. Audited."},
		auth.Write, s.markNextAction(fresco.ActionDismissed))
	register(s, huma.Operation{OperationID: "done-next-action", Method: http.MethodPost, Path: "/next-actions/{kind}/{customer}/done",
		Summary: "Mark a next best action done", Tags: tags, Description: "That kind of action stays off the customer's list for 90 days. Audited."},
		auth.Write, s.markNextAction(fresco.ActionDone))
	// Suggestions (api_suggestions.go; package suggestions): what a customer is suggested and why, with the guard rails.
	tags = []string{"Suggestions"}
	register(s, huma.Operation{OperationID: "customer-suggestions", Method: http.MethodGet, Path: "/customers/{id}/suggestions",
		Summary: "What a customer is suggested, each with its reason, or why nothing is", Tags: tags,
		Description: "\"Customers who bought what you bought also bought…\", from the model last trained. Nothing is suggested to a customer " +
			"without consent to personalisation, who opted out, whose personal data was erased or who has a complaint not yet closed " +
			"(withheld says which); never a product or category marked sensitive, nor because of one; never one the customer bought " +
			"or returned; and only from item pairs at least k customers (k_floor, 5) bought together. Reasons name only the " +
			"customer's own purchases."}, auth.Read, byKeyOp(s.customerSuggestions))
	register(s, huma.Operation{OperationID: "set-suggestion-opt-out", Method: http.MethodPut, Path: "/customers/{id}/suggestions/opt-out",
		Summary: "Record a customer's opt-out from suggestions, or undo it", Tags: tags,
		Description: "An opted-out customer is suggested nothing, and their purchases leave the model at the next training. Audited."},
		auth.Write, s.setSuggestionOptOut)
	register(s, huma.Operation{OperationID: "set-product-sensitive", Method: http.MethodPut, Path: "/products/{id}/sensitive",
		Summary: "Mark a product sensitive or age-restricted (never suggested)", Tags: tags, Description: "Audited."},
		auth.ManageUsers, s.setProductSensitive)
	register(s, huma.Operation{OperationID: "set-category-sensitive", Method: http.MethodPut, Path: "/recommendations/sensitive-categories",
		Summary: "Mark a product category sensitive or age-restricted (none of it suggested)", Tags: tags, Description: "Audited."},
		auth.ManageUsers, s.setCategorySensitive)
	register(s, huma.Operation{OperationID: "list-sensitive", Method: http.MethodGet, Path: "/recommendations/sensitive",
		Summary: "The categories and products never suggested", Tags: tags}, auth.Read, s.sensitiveMarks)
	register(s, huma.Operation{OperationID: "suggestion-model", Method: http.MethodGet, Path: "/recommendations/model",
		Summary: "The suggestion model being served", Tags: tags, Description: "404 before the first training."}, auth.Read, s.suggestionModel)
	register(s, huma.Operation{OperationID: "retrain-suggestions", Method: http.MethodPost, Path: "/recommendations/retrain", DefaultStatus: http.StatusAccepted,
		Summary: "Queue a training of the suggestion model", Tags: tags,
		Description: "The model is also trained nightly at 02:40 UTC. Erased and opted-out customers' purchases are left out. Audited."},
		auth.ManageUsers, s.retrainSuggestions)
}
