package web

// Every API operation, as routes.go lists every page: the two files are the
// whole of what the server answers and to whom. Each operation goes through
// register, which attaches the permission it needs and records it in the
// route table that routes_test.go walks.

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/pulse"
)

// apiRoutes registers the JSON API, one resource after another.
func (s *Server) apiRoutes() {
	// Session: logging in and out (api_session.go).
	tags := []string{"Session"}
	register(s, huma.Operation{OperationID: "login", Method: http.MethodPost, Path: "/session",
		Summary: "Log in", Tags: tags, Security: []map[string][]string{},
		Description: "Checks an e-mail address and password and sets the session cookie. Failed logins are " +
			"limited per account and per address (429 with Retry-After); an unknown account fails like a wrong password.",
		Errors: []int{http.StatusTooManyRequests}}, permPublic, s.login)
	register(s, huma.Operation{OperationID: "whoami", Method: http.MethodGet, Path: "/session",
		Summary: "Who am I", Tags: tags}, auth.Read, s.whoami)
	register(s, huma.Operation{OperationID: "logout", Method: http.MethodDelete, Path: "/session",
		Summary: "Log out", Tags: tags, DefaultStatus: http.StatusNoContent, Security: []map[string][]string{},
		Description: "Ends the session in the cookie and clears the cookie."}, permPublic, s.logout)

	// Customers (api_customers.go).
	tags = []string{"Customers"}
	register(s, huma.Operation{OperationID: "list-customers", Method: http.MethodGet, Path: "/customers",
		Summary: "List customers", Tags: tags}, auth.Read, s.listCustomers)
	register(s, huma.Operation{OperationID: "create-customer", Method: http.MethodPost, Path: "/customers",
		Summary: "Create a customer", Tags: tags, DefaultStatus: http.StatusCreated}, auth.Write, s.createCustomer)
	register(s, huma.Operation{OperationID: "get-customer", Method: http.MethodGet, Path: "/customers/{id}",
		Summary: "Get a customer with a summary of their purchases", Tags: tags}, auth.Read, byKeyOp(s.getCustomer))
	register(s, huma.Operation{OperationID: "update-customer", Method: http.MethodPatch, Path: "/customers/{id}",
		Summary: "Change some fields of a customer", Tags: tags, Description: ifMatchAdvice,
		Errors: []int{http.StatusPreconditionFailed}}, auth.Write, s.updateCustomer)
	register(s, huma.Operation{OperationID: "export-customer", Method: http.MethodGet, Path: "/customers/{id}/export",
		Summary: "Everything held about one customer (right of access)", Tags: tags,
		Description: "Purchases with lines, survey invitations, contacts, responses and answers, call tasks, follow-ups, cases with events and tasks, gestures, preference notes and the opt-out from suggestions, " +
			"the e-mail sent to the customer and the e-mail conversation of their cases both ways with its attachments' names, types and sizes (each file is downloaded by its url, not embedded: it can be large, and the customer sent it), as stored; " +
			"and the suggestions made for the customer now with their reasons (or why none). Staff notification e-mails are not included: they go to employees and may quote what staff wrote among themselves."},
		auth.ManageEmployees, byKeyOp(s.exportCustomer))
	register(s, huma.Operation{OperationID: "erase-customer", Method: http.MethodDelete, Path: "/customers/{id}",
		Summary: "Erase a customer's personal data (right to be forgotten)", Tags: tags,
		Description: "Removes name, contact details, external id, tags and consents, and the free text the customer or staff wrote about them, " +
			"wherever it was copied: their e-mail conversation (addresses, subjects, texts; attachments are deleted), staff notifications and their e-mails, " +
			"webhook deliveries, queued jobs, the audit log and stored reports. " +
			"Ids, scores, amounts, dates, statuses and row counts stay, so every figure stays right; the customer is shown as \"Erased customer\". " +
			"`rows` counts, table by table, the rows changed (or, for case_attachments, deleted). Audited."},
		auth.ManageUsers, s.eraseCustomer)
	// Referral codes (api_referrals.go; package referral).
	register(s, huma.Operation{OperationID: "list-referral-codes", Method: http.MethodGet, Path: "/customers/{id}/referral-codes",
		Summary: "A customer's referral codes and links, the newest first", Tags: tags}, auth.Read, byKeyOp(s.listReferralCodes))
	register(s, huma.Operation{OperationID: "issue-referral-code", Method: http.MethodPost, Path: "/customers/{id}/referral-codes",
		Summary: "Give a promoter a personal referral code and link", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "201 with a new code, or 200 with the live code the customer already has. The customer must have agreed " +
			"(consent_referral; else 422 naming it) and be a promoter: their last answer to the recommend question was 9 or 10 " +
			"(else 422 naming customer_id). A purchase giving the code as referral_code, or a newcomer joining through the link, " +
			"is recorded as referred by the customer. Audited."}, auth.Write, s.issueReferralCode)
	register(s, huma.Operation{OperationID: "revoke-referral-code", Method: http.MethodPost, Path: "/referral-codes/{code}/revoke",
		Summary: "Revoke a referral code for good", Tags: tags,
		Description: "The code is refused from then on (422 naming referral_code on a purchase); the customers it brought stay referred. Audited."},
		auth.Write, s.revokeReferralCode)

	// The audit log (api_audit.go).
	register(s, huma.Operation{OperationID: "list-audit", Method: http.MethodGet, Path: "/audit",
		Summary: "Who changed what, newest first", Tags: []string{"Audit"}}, auth.ManageUsers, s.listAudit)

	// Products (api_products.go).
	tags = []string{"Products"}
	register(s, huma.Operation{OperationID: "list-products", Method: http.MethodGet, Path: "/products",
		Summary: "List products", Tags: tags}, auth.Read, s.listProducts)
	register(s, huma.Operation{OperationID: "create-product", Method: http.MethodPost, Path: "/products",
		Summary: "Create a product", Tags: tags, DefaultStatus: http.StatusCreated}, auth.Write, s.createProduct)
	register(s, huma.Operation{OperationID: "get-product", Method: http.MethodGet, Path: "/products/{id}",
		Summary: "Get a product", Tags: tags}, auth.Read, s.getProduct)
	register(s, huma.Operation{OperationID: "update-product", Method: http.MethodPatch, Path: "/products/{id}",
		Summary: "Change some fields of a product", Tags: tags, Description: ifMatchAdvice,
		Errors: []int{http.StatusPreconditionFailed}}, auth.Write, s.updateProduct)

	// Employees (api_employees.go).
	tags = []string{"Employees"}
	register(s, huma.Operation{OperationID: "list-employees", Method: http.MethodGet, Path: "/employees",
		Summary: "List employees", Tags: tags}, auth.Read, s.listEmployees)
	register(s, huma.Operation{OperationID: "create-employee", Method: http.MethodPost, Path: "/employees",
		Summary: "Create an employee", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Only an owner may create an owner."}, auth.ManageEmployees, s.createEmployee)
	register(s, huma.Operation{OperationID: "get-employee", Method: http.MethodGet, Path: "/employees/{id}",
		Summary: "Get an employee", Tags: tags}, auth.Read, s.getEmployee)
	register(s, huma.Operation{OperationID: "update-employee", Method: http.MethodPatch, Path: "/employees/{id}",
		Summary: "Change some fields of an employee", Tags: tags,
		Description: "Only an owner may change an owner or make someone an owner. Deactivating an employee ends their sessions.\n\n" +
			ifMatchAdvice,
		Errors: []int{http.StatusPreconditionFailed}}, auth.ManageEmployees, s.updateEmployee)
	register(s, huma.Operation{OperationID: "set-employee-password", Method: http.MethodPut, Path: "/employees/{id}/password",
		Summary: "Set an employee's login password", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "Gives the employee a UI login (or a new password) and ends their sessions."}, auth.ManageUsers,
		s.setEmployeePassword)

	// People records: trainings, exits, rehires (api_people.go). Managers
	// only for their own team and location, agents their own trainings
	// (package people decides); turnover figures for all but agents.
	tags = []string{"People"}
	register(s, huma.Operation{OperationID: "list-trainings", Method: http.MethodGet, Path: "/employees/{id}/trainings",
		Summary: "An employee's training records", Tags: tags}, auth.Read, s.listTrainings)
	register(s, huma.Operation{OperationID: "add-training", Method: http.MethodPost, Path: "/employees/{id}/trainings",
		Summary: "Record a training (course, skill, date, hours, cost)", Tags: tags, DefaultStatus: http.StatusCreated}, auth.ManageEmployees, s.addTraining)
	register(s, huma.Operation{OperationID: "list-spells", Method: http.MethodGet, Path: "/employees/{id}/spells",
		Summary: "An employee's employment spells with their exits", Tags: tags}, auth.ManageEmployees, s.listSpells)
	register(s, huma.Operation{OperationID: "record-exit", Method: http.MethodPost, Path: "/employees/{id}/exit",
		Summary: "Record that an employee left", Tags: tags,
		Description: "Ends the open spell with the last day worked, a reason from the list, regretted or not and exit-interview notes, " +
			"and deactivates the login (ending its sessions). The employee and their history stay; 409 when they have already left."}, auth.ManageEmployees, s.recordExit)
	register(s, huma.Operation{OperationID: "rehire", Method: http.MethodPost, Path: "/employees/{id}/rehire",
		Summary: "Rehire someone who left: a new employment spell", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Optionally in a new team, location or job; reactivate_login lets them sign in again. 409 while they are still employed."}, auth.ManageEmployees, s.rehire)
	register(s, huma.Operation{OperationID: "list-exit-reasons", Method: http.MethodGet, Path: "/exit-reasons",
		Summary: "The list of exit reasons", Tags: tags}, auth.Read, s.listExitReasons)
	register(s, huma.Operation{OperationID: "put-exit-reason", Method: http.MethodPut, Path: "/exit-reasons/{slug}",
		Summary: "Add or change an exit reason", Tags: tags}, auth.ManageUsers, s.putExitReason)
	register(s, huma.Operation{OperationID: "turnover-cost", Method: http.MethodGet, Path: "/turnover/cost",
		Summary: "What the leavers of a period cost, by component and per team or location", Tags: tags,
		Description: "Inputs come from the settings (PUT /api/v1/turnover/inputs); each may be overridden as a query parameter of the same name. Not for agents."}, auth.Read, s.turnoverCost)
	register(s, huma.Operation{OperationID: "turnover-retention", Method: http.MethodGet, Path: "/turnover/retention",
		Summary: "Headcount, leavers, regretted leavers and retention per team or location and month", Tags: tags,
		Description: "Not for agents."}, auth.Read, s.turnoverRetention)
	register(s, huma.Operation{OperationID: "get-turnover-inputs", Method: http.MethodGet, Path: "/turnover/inputs",
		Summary: "The turnover-cost calculator's stored inputs", Tags: tags}, auth.Read, s.getTurnoverInputs)
	register(s, huma.Operation{OperationID: "put-turnover-inputs", Method: http.MethodPut, Path: "/turnover/inputs",
		Summary: "Replace the turnover-cost calculator's inputs", Tags: tags}, auth.ManageEmployees, s.putTurnoverInputs)
	// The service-profit chain (api_chain.go, package chain): pulse figures
	// behind the pulse's anonymity floor, so for the roles that read staff
	// aggregates.
	register(s, huma.Operation{OperationID: "service-profit-chain", Method: http.MethodGet, Path: "/chain",
		Summary: "The service-profit chain per team or location and period, and how strongly each link moves together", Tags: tags,
		Description: "Per unit and period: employee capability and satisfaction (pulse means, 1–5; null where the pulse's anonymity floor hides the unit), " +
			"employee retention (1 − leavers ÷ headcount at the start), customer satisfaction (NPS, from 10 answers), customer loyalty " +
			"(the share of the period's customers who bought again in the next period, once it is over; from 10 customers) and profit " +
			"(gross profit per customer). Each link of the chain, and each pair asked for, has Pearson's r over the unit-periods with both values " +
			"(with lag, \"to\" that many periods later) and its Fisher-z 95% interval; with fewer than 6 such unit-periods r is null and reason says why. " +
			"A correlation, not proof that one causes the other."}, auth.StaffAggregates, s.chainMeasure)

	// Rewards for results (api_rewards.go). Package rewards scopes who
	// sees whose scorecard: owners all, managers their teams and location,
	// agents their own and their team's, analysts none.
	tags = []string{"Rewards"}
	register(s, huma.Operation{OperationID: "employee-scorecard", Method: http.MethodGet, Path: "/employees/{id}/scorecard",
		Summary: "An employee's results: customers recovered, promoters after a case, follow-ups in time, retention, kind words", Tags: tags,
		Description: "Each measure is a proportion of settled chances with its n and Wilson 95% interval; below min_n the figure is withheld. " +
			"See docs/rewards.md for the definitions."}, auth.Read, s.employeeScorecard)
	register(s, huma.Operation{OperationID: "team-scorecard", Method: http.MethodGet, Path: "/teams/{id}/scorecard",
		Summary: "A team's pooled results and each member's, ranked without a false order", Tags: tags,
		Description: "Members whose intervals on rank_by overlap, directly or through a chain of others, share a rank."}, auth.Read, s.teamScorecard)
	register(s, huma.Operation{OperationID: "list-rewards", Method: http.MethodGet, Path: "/rewards",
		Summary: "Rewards tied to team goals, each met, not met or can't tell yet", Tags: tags}, auth.Read, s.listRewards)
	register(s, huma.Operation{OperationID: "create-reward", Method: http.MethodPost, Path: "/rewards",
		Summary: "Define a reward for a team's goal (owners)", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "e.g. team promoters_after_case ≥ 60 from 2027-01-01 to 2027-03-31 → \"Team dinner\". Audited."}, auth.ManageUsers, s.createReward)
	register(s, huma.Operation{OperationID: "create-nomination", Method: http.MethodPost, Path: "/nominations",
		Summary: "Nominate a colleague, or record a customer's nomination", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "A colleague's nomination (source peer) is made signed in as oneself and never for oneself (422 naming employee_id). " +
			"Customers nominate on the survey page of a link that names who served them. Audited."}, auth.Write, s.createNomination)
	register(s, huma.Operation{OperationID: "recognition", Method: http.MethodGet, Path: "/recognition",
		Summary: "The recognition feed: nominations, recovered customers and kind words, newest first", Tags: tags}, auth.Read, s.recognition)

	// Locations, teams and marketing spend (api_locations.go, api_teams.go,
	// api_marketing_spend.go).
	tags = []string{"Locations"}
	register(s, huma.Operation{OperationID: "list-locations", Method: http.MethodGet, Path: "/locations",
		Summary: "List locations", Tags: tags}, auth.Read, s.listLocations)
	register(s, huma.Operation{OperationID: "create-location", Method: http.MethodPost, Path: "/locations",
		Summary: "Create a location", Tags: tags, DefaultStatus: http.StatusCreated}, auth.ManageEmployees, s.createLocation)
	register(s, huma.Operation{OperationID: "get-location", Method: http.MethodGet, Path: "/locations/{id}",
		Summary: "Get a location", Tags: tags}, auth.Read, s.getLocation)
	register(s, huma.Operation{OperationID: "update-location", Method: http.MethodPatch, Path: "/locations/{id}",
		Summary: "Change some fields of a location", Tags: tags, Description: ifMatchAdvice,
		Errors: []int{http.StatusPreconditionFailed}}, auth.ManageEmployees, s.updateLocation)
	tags = []string{"Teams"}
	register(s, huma.Operation{OperationID: "list-teams", Method: http.MethodGet, Path: "/teams",
		Summary: "List teams", Tags: tags, Description: "All teams, on one page."}, auth.Read, s.listTeams)
	register(s, huma.Operation{OperationID: "create-team", Method: http.MethodPost, Path: "/teams",
		Summary: "Create a team", Tags: tags, DefaultStatus: http.StatusCreated}, auth.ManageEmployees, s.createTeam)
	register(s, huma.Operation{OperationID: "get-team", Method: http.MethodGet, Path: "/teams/{id}",
		Summary: "Get a team", Tags: tags}, auth.Read, s.getTeam)
	register(s, huma.Operation{OperationID: "update-team", Method: http.MethodPatch, Path: "/teams/{id}",
		Summary: "Change some fields of a team", Tags: tags, Description: ifMatchAdvice,
		Errors: []int{http.StatusPreconditionFailed}}, auth.ManageEmployees, s.updateTeam)
	tags = []string{"Marketing spend"}
	register(s, huma.Operation{OperationID: "list-marketing-spend", Method: http.MethodGet, Path: "/marketing-spend",
		Summary: "List marketing spend", Tags: tags}, auth.Read, s.listMarketingSpend)
	register(s, huma.Operation{OperationID: "create-marketing-spend", Method: http.MethodPost, Path: "/marketing-spend",
		Summary: "Record marketing spend", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Acquisition cost is spend ÷ new customers in the period."}, auth.ManageEmployees, s.createMarketingSpend)
	register(s, huma.Operation{OperationID: "get-channel-sources", Method: http.MethodGet, Path: "/marketing-spend/channel-sources",
		Summary: "Which acquisition source each spend channel pays for", Tags: tags}, auth.Read, s.getChannelSources)
	register(s, huma.Operation{OperationID: "set-channel-sources", Method: http.MethodPut, Path: "/marketing-spend/channel-sources",
		Summary: "Map spend channels to acquisition sources (owner)", Tags: tags,
		Description: "Replaces the mapping. Without one, a channel pays for the source of the same name, case-insensitively."}, auth.ManageUsers, s.setChannelSources)

	// Purchases (api_purchases.go, api_batch.go).
	tags = []string{"Purchases"}
	register(s, huma.Operation{OperationID: "list-purchases", Method: http.MethodGet, Path: "/purchases",
		Summary: "List purchases with their lines", Tags: tags}, auth.Read, s.listPurchases)
	register(s, huma.Operation{OperationID: "create-purchase", Method: http.MethodPost, Path: "/purchases",
		Summary: "Record a purchase", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "To send many purchases, or to make retries safe, use POST /api/v1/purchases:batch. " +
			"A rejected purchase (422) names every bad field at once, as a rejected item of a batch does.",
		Middlewares: huma.Middlewares{s.allPurchaseProblems}}, auth.Write, s.createPurchase)
	register(s, huma.Operation{OperationID: "get-purchase", Method: http.MethodGet, Path: "/purchases/{id}",
		Summary: "Get a purchase with its lines", Tags: tags}, auth.Read, s.getPurchase)
	register(s, huma.Operation{OperationID: "update-purchase", Method: http.MethodPatch, Path: "/purchases/{id}",
		Summary: "Change some fields of a purchase", Tags: tags}, auth.Write, s.updatePurchase)
	s.batchRoute()

	// API tokens (api_tokens.go).
	tags = []string{"API tokens"}
	register(s, huma.Operation{OperationID: "list-tokens", Method: http.MethodGet, Path: "/tokens",
		Summary: "List API tokens", Tags: tags}, auth.ManageUsers, s.listTokens)
	register(s, huma.Operation{OperationID: "create-token", Method: http.MethodPost, Path: "/tokens",
		Summary: "Create an API token", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "The response holds the token; it is not stored and cannot be shown again."}, auth.ManageUsers, s.createToken)
	register(s, huma.Operation{OperationID: "revoke-token", Method: http.MethodDelete, Path: "/tokens/{id}",
		Summary: "Revoke an API token", Tags: tags, DefaultStatus: http.StatusNoContent}, auth.ManageUsers, s.revokeToken)

	// Inbound e-mail (internal/inbound): api_inbound.go.
	register(s, huma.Operation{OperationID: "receive-inbound-email", Method: http.MethodPost, Path: "/inbound/email",
		Summary: "Receive an e-mail posted by a mail provider", Tags: []string{"Inbound e-mail"},
		Description: "The body is the raw RFC 5322 message (Content-Type message/rfc822), as the SMTP listener (fresco serve --smtp-listen) " +
			"would receive it, and it is filed the same way: a reply (In-Reply-To/References of a case's message, or a support+c123@ " +
			"address from the case's customer) joins its case; anything else opens a case for the sender's customer, or a new customer. " +
			"Auto-replies, bounces and loops are recognised and open nothing; a permanent bounce marks the address undeliverable.",
		MaxBodyBytes: s.inbound.MaxBytes(), Errors: inboundStatus}, auth.Write, s.receiveInbound)

	// Service recovery (internal/recovery): api_cases.go, api_gestures.go,
	// api_tasks.go, api_sla_policies.go, api_authority_limits.go and
	// api_recovery_reports.go.
	tags = []string{"Service recovery"}
	register(s, huma.Operation{OperationID: "list-cases", Method: http.MethodGet, Path: "/cases",
		Summary: "List cases: the inbox (mine, my team, breaching soon)", Tags: tags}, auth.Read, s.listCases)
	register(s, huma.Operation{OperationID: "create-case", Method: http.MethodPost, Path: "/cases",
		Summary: "Open a case", Description: "Flags the customer as needing special attention until the case closes, and tells the location's staff.",
		Tags: tags, DefaultStatus: http.StatusCreated}, auth.Write, s.createCase)
	register(s, huma.Operation{OperationID: "get-case", Method: http.MethodGet, Path: "/cases/{id}",
		Summary: "Get a case with its whole timeline, SLA clocks, tasks and gestures", Tags: tags,
		Description: "The ETag is the case's version (the id of the last event of its own timeline): send it back as If-Match with an action on the case."},
		auth.Read, byKeyOp(s.getCase))
	register(s, caseAction(huma.Operation{OperationID: "transfer-case", Method: http.MethodPost, Path: "/cases/{id}/transfer",
		Summary: "Hand the case to a new owner with a handover note", Tags: tags}), auth.Write, s.transferCase)
	register(s, caseAction(huma.Operation{OperationID: "add-case-note", Method: http.MethodPost, Path: "/cases/{id}/notes",
		Summary: "Add an internal note (not on a closed or merged case: 409)", Tags: tags}), auth.Write, s.addCaseNote)
	register(s, caseAction(huma.Operation{OperationID: "respond-case", Method: http.MethodPost, Path: "/cases/{id}/responses",
		Summary: "Record a response to the customer (stops the response clocks)", Tags: tags}), auth.Write, s.respondCase)
	register(s, caseAction(huma.Operation{OperationID: "customer-reply-case", Method: http.MethodPost, Path: "/cases/{id}/customer-replies",
		Summary: "Record what the customer said (reopens a resolved or closed case within the reopen window)", Tags: tags}), auth.Write, s.customerReplyCase)
	register(s, caseAction(huma.Operation{OperationID: "wait-case", Method: http.MethodPost, Path: "/cases/{id}/wait",
		Summary: "Put the case in a waiting state with a reason (pauses the clocks per policy)", Tags: tags}), auth.Write, s.waitCase)
	register(s, caseAction(huma.Operation{OperationID: "resume-case", Method: http.MethodPost, Path: "/cases/{id}/resume",
		Summary: "End a waiting state", Tags: tags}), auth.Write, s.resumeCase)
	register(s, caseAction(huma.Operation{OperationID: "resolve-case", Method: http.MethodPost, Path: "/cases/{id}/resolve",
		Summary: "Resolve the case (schedules the follow-through)", Tags: tags}), auth.Write, s.resolveCase)
	register(s, caseAction(huma.Operation{OperationID: "close-case", Method: http.MethodPost, Path: "/cases/{id}/close",
		Summary: "Close the case with its root causes", Tags: tags}), auth.Write, s.closeCase)
	register(s, caseAction(huma.Operation{OperationID: "reopen-case", Method: http.MethodPost, Path: "/cases/{id}/reopen",
		Summary: "Reopen a resolved or closed case within the reopen window", Tags: tags}), auth.Write, s.reopenCase)
	register(s, caseAction(huma.Operation{OperationID: "merge-case", Method: http.MethodPost, Path: "/cases/{id}/merge",
		Summary: "Merge this duplicate into another case of the same customer", Tags: tags}), auth.Write, s.mergeCase)
	register(s, caseAction(huma.Operation{OperationID: "involve-employee", Method: http.MethodPost, Path: "/cases/{id}/involved",
		Summary: "Record an employee as involved", Tags: tags}), auth.Write, s.involveEmployee)
	register(s, caseAction(huma.Operation{OperationID: "start-hold", Method: http.MethodPost, Path: "/cases/{id}/holds",
		Summary: "Put the customer on hold", Description: "Never on hold over two minutes: a hold still running then becomes a call-back task.",
		Tags: tags, DefaultStatus: http.StatusCreated}), auth.Write, s.startHold)
	register(s, caseAction(huma.Operation{OperationID: "end-hold", Method: http.MethodPost, Path: "/cases/{id}/holds/end",
		Summary: "Take the customer off hold", Tags: tags}), auth.Write, s.endHold)
	register(s, caseAction(huma.Operation{OperationID: "create-gesture", Method: http.MethodPost, Path: "/cases/{id}/gestures",
		Summary: "Grant a gesture (granted within the caller's authority, else pending approval)", Tags: tags,
		DefaultStatus: http.StatusCreated}), auth.Write, s.createGesture)
	register(s, huma.Operation{OperationID: "list-gestures", Method: http.MethodGet, Path: "/gestures",
		Summary: "The gesture ledger", Tags: tags}, auth.Read, s.listGestures)
	register(s, huma.Operation{OperationID: "list-approvals", Method: http.MethodGet, Path: "/approvals",
		Summary: "Gestures waiting for approval", Tags: tags}, auth.Read, s.listApprovals)
	register(s, huma.Operation{OperationID: "approve-gesture", Method: http.MethodPost, Path: "/gestures/{id}/approve",
		Summary: "Approve a pending gesture (within the approver's own authority)", Tags: tags}, auth.ManageEmployees, s.approveGesture)
	register(s, huma.Operation{OperationID: "reject-gesture", Method: http.MethodPost, Path: "/gestures/{id}/reject",
		Summary: "Reject a pending gesture", Tags: tags}, auth.ManageEmployees, s.rejectGesture)
	register(s, caseAction(huma.Operation{OperationID: "create-task", Method: http.MethodPost, Path: "/cases/{id}/tasks",
		Summary: "Schedule a call-back, follow-through or re-survey", Tags: tags, DefaultStatus: http.StatusCreated}), auth.Write, s.createTask)
	// A case's e-mail conversation and reply templates: api_case_messages.go.
	register(s, huma.Operation{OperationID: "list-case-messages", Method: http.MethodGet, Path: "/cases/{id}/messages",
		Summary: "The case's e-mail thread, oldest first, with attachments and each reply's send status", Tags: tags}, auth.Read, s.listCaseMessages)
	register(s, caseAction(huma.Operation{OperationID: "reply-case", Method: http.MethodPost, Path: "/cases/{id}/messages",
		Summary: "Respond to the customer by e-mail", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Sent from the business's address and threaded on the customer's last message (In-Reply-To, References); " +
			"a reply counts as a response for the SLA clocks. Not on a resolved, closed or merged case (409); " +
			"a customer without a usable address is a conflict too."}), auth.Write, s.replyCase)
	register(s, huma.Operation{OperationID: "get-case-attachment", Method: http.MethodGet, Path: "/cases/{id}/attachments/{attachment_id}",
		Summary: "Download an attachment of the case's thread", Tags: tags,
		Description: "Served as a download (Content-Disposition: attachment) with its stored type."}, auth.Read, s.caseAttachment)
	register(s, huma.Operation{OperationID: "list-reply-templates", Method: http.MethodGet, Path: "/reply-templates",
		Summary: "Reply templates (macros) staff pick when they respond to a customer", Tags: tags}, auth.Read, s.listReplyTemplates)
	register(s, huma.Operation{OperationID: "create-reply-template", Method: http.MethodPost, Path: "/reply-templates",
		Summary: "Add a reply template", Tags: tags, DefaultStatus: http.StatusCreated}, auth.ManageEmployees, s.createReplyTemplate)
	register(s, huma.Operation{OperationID: "update-reply-template", Method: http.MethodPut, Path: "/reply-templates/{id}",
		Summary: "Change a reply template", Tags: tags}, auth.ManageEmployees, s.updateReplyTemplate)
	register(s, huma.Operation{OperationID: "delete-reply-template", Method: http.MethodDelete, Path: "/reply-templates/{id}",
		Summary: "Delete a reply template", Tags: tags, DefaultStatus: http.StatusNoContent}, auth.ManageEmployees, s.deleteReplyTemplate)
	register(s, huma.Operation{OperationID: "list-tasks", Method: http.MethodGet, Path: "/tasks",
		Summary: "Case tasks by due time", Tags: tags}, auth.Read, s.listTasks)
	register(s, huma.Operation{OperationID: "complete-task", Method: http.MethodPost, Path: "/tasks/{id}/complete",
		Summary: "Record a task's outcome (a follow-through that is not solved reopens the case)", Tags: tags}, auth.Write, s.completeTask)
	register(s, huma.Operation{OperationID: "list-sla-policies", Method: http.MethodGet, Path: "/sla-policies",
		Summary: "SLA policies per location (0: the default)", Tags: tags}, auth.Read, s.listSLAPolicies)
	register(s, huma.Operation{OperationID: "put-sla-policy", Method: http.MethodPut, Path: "/sla-policies/{id}",
		Summary: "Set a location's SLA policy (0: the default); a background job re-evaluates the live cases", Tags: tags}, auth.ManageEmployees, s.putSLAPolicy)
	register(s, huma.Operation{OperationID: "list-authority-limits", Method: http.MethodGet, Path: "/authority-limits",
		Summary: "Authority limits per role and per employee", Tags: tags}, auth.Read, s.listAuthorityLimits)
	register(s, huma.Operation{OperationID: "put-authority-limit", Method: http.MethodPut, Path: "/authority-limits",
		Summary: "Set one authority limit (amount null: unlimited)", Tags: tags}, auth.ManageUsers, s.putAuthorityLimit)
	register(s, huma.Operation{OperationID: "list-recurrence-alerts", Method: http.MethodGet, Path: "/recovery/alerts",
		Summary: "Recurring problems: a category, product or location above the threshold", Tags: tags}, auth.Read, s.listRecurrenceAlerts)
	register(s, huma.Operation{OperationID: "recovery-sources-report", Method: http.MethodGet, Path: "/reports/recovery-sources",
		Summary: "Closed cases by the source of the problem in the recovery process and by category, month by month", Tags: tags,
		Description: "Each count links to the case list of its cases (cases_url). Months are calendar months in UTC."}, auth.Read, s.recoverySourcesReport)
	register(s, huma.Operation{OperationID: "recovery-report", Method: http.MethodGet, Path: "/reports/recovery",
		Summary: "Recovery report: response and resolution times, reopen rate, SLA attainment, recovery rate, cost of poor recovery", Tags: tags,
		Description: "The recovery rate compares customers whose first case in the period opened at least 90 days ago " +
			"(still buying: a purchase within 90 days of the case) with customers who never had a case, taken month by month: " +
			"for each whole calendar month (UTC) of the period that ended at least 90 days ago, the customers who bought that month " +
			"and how many bought again within 90 days of their first purchase that month, summed over the months " +
			"(baseline_first_month to baseline_last_month). Months the period covers only in part are left out."}, auth.Read, s.recoveryReport)

	// Closed loop and notifications (internal/loop, internal/notify):
	// api_webhooks.go, api_followups.go, api_notifications.go.
	tags = []string{"Webhooks"}
	register(s, huma.Operation{OperationID: "create-webhook", Method: http.MethodPost, Path: "/webhooks",
		Summary: "Subscribe a URL to events", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Deliveries are POSTed as JSON {id, event, occurred_at, data} with the headers X-Fresco-Event, " +
			"X-Fresco-Delivery (the idempotency id, also the payload's id) and X-Fresco-Signature: " +
			"t=<unix>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>. A 2xx answer delivers; 410 Gone disables the " +
			"subscription; anything else is retried with exponential backoff (12 attempts over about 35 minutes). See docs/webhooks.md."}, auth.ManageEmployees, s.createWebhook)
	register(s, huma.Operation{OperationID: "list-webhooks", Method: http.MethodGet, Path: "/webhooks",
		Summary: "List webhook subscriptions", Tags: tags}, auth.ManageEmployees, s.listWebhooks)
	register(s, huma.Operation{OperationID: "get-webhook", Method: http.MethodGet, Path: "/webhooks/{id}",
		Summary: "Get a webhook subscription", Tags: tags}, auth.ManageEmployees, s.getWebhook)
	register(s, huma.Operation{OperationID: "delete-webhook", Method: http.MethodDelete, Path: "/webhooks/{id}",
		Summary: "Delete a webhook subscription", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "Pending deliveries are cancelled; the delivery history stays."}, auth.ManageEmployees, s.deleteWebhook)
	register(s, huma.Operation{OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/webhooks/{id}/deliveries",
		Summary: "List a subscription's deliveries and their attempts, newest first", Tags: tags}, auth.ManageEmployees, s.listWebhookDeliveries)
	tags = []string{"Follow-ups"}
	register(s, huma.Operation{OperationID: "list-followups", Method: http.MethodGet, Path: "/followups",
		Summary: "List follow-ups of bad answers", Tags: tags}, auth.Read, s.listFollowups)
	register(s, huma.Operation{OperationID: "get-followup", Method: http.MethodGet, Path: "/followups/{id}",
		Summary: "Get a follow-up", Tags: tags}, auth.Read, s.getFollowup)
	register(s, huma.Operation{OperationID: "close-followup", Method: http.MethodPost, Path: "/followups/{id}",
		Summary: "Close a follow-up: POST /api/v1/followups/{id}:close", Tags: tags,
		Description: "Records how and when the customer was contacted and what came of it; contact_channel and " +
			"outcome are required (422 names the missing field). Agents may close only their own follow-ups."}, auth.Write, s.closeFollowup)
	register(s, huma.Operation{OperationID: "satisfied-leaving", Method: http.MethodGet, Path: "/loop/satisfied-leaving",
		Summary: "Satisfied customers who seem to be leaving", Tags: tags,
		Description: "Customers whose latest answer in the last 180 days was passive or promoter (NPS ≥ 7, or CSAT ≥ 4) " +
			"but whose purchase rhythm has broken: P(alive) < 0.5 where the lifetime-value engine has scored them, " +
			"else days since the last purchase above 2 × their median interval (at least 3 purchases). Most overdue first, " +
			"paged like every list (the cursor is a place in the list, which a refresh may reorder). " +
			"The list is worked out every 15 minutes, before the daily digest and on POST /loop/satisfied-leaving/refresh; " +
			"computed_at says when, and days_since_last counts to then."}, auth.Read, s.satisfiedLeaving)
	register(s, huma.Operation{OperationID: "refresh-satisfied-leaving", Method: http.MethodPost, Path: "/loop/satisfied-leaving/refresh",
		DefaultStatus: http.StatusAccepted, Summary: "Queue a refresh of the satisfied-but-leaving list", Tags: tags,
		Description: "Returns the queued job (the one already queued, if any); the list's computed_at moves when it has run."},
		auth.ManageEmployees, s.refreshSatisfiedLeaving)
	tags = []string{"Notifications"}
	register(s, huma.Operation{OperationID: "list-notifications", Method: http.MethodGet, Path: "/notifications",
		Summary: "The caller's latest notifications", Tags: tags,
		Description: "Live: GET /api/v1/events/stream (text/event-stream; event \"notification\", id = notification id, " +
			"Last-Event-ID replays what was missed)."}, auth.Read, s.listNotifications)
	register(s, huma.Operation{OperationID: "read-notifications", Method: http.MethodPost, Path: "/notifications:read",
		Summary: "Mark the caller's notifications read", Tags: tags, DefaultStatus: http.StatusNoContent}, auth.Read, s.readNotifications)

	// Lifetime value (internal/value): api_value.go.
	tags = []string{"Lifetime value"}
	register(s, huma.Operation{OperationID: "clv-calculator", Method: http.MethodGet, Path: "/clv/calculator",
		Summary: "The lifetime-value calculator: an average customer against a loyal one", Tags: tags,
		Description: "lifetime value = purchases per lifetime × items per purchase × average price × margin − acquisition cost, " +
			"where acquisition cost = marketing spend in the period ÷ customers whose first purchase falls in it. " +
			"Every input can be overridden."}, auth.Read, s.clvCalculator)
	register(s, huma.Operation{OperationID: "clv-calculator-segments", Method: http.MethodGet, Path: "/clv/calculator/segments",
		Summary: "The lifetime-value calculator per acquisition source, location, RFM segment or customer filter: average vs loyal in each", Tags: tags,
		Description: "Every calculator figure for each segment, from the last refit (every purchase up to it); computed once per refit. " +
			"Acquisition cost by source is the spend mapped to the source ÷ its customers first seen; for other groupings the business's."}, auth.Read, s.clvCalculatorSegments)
	register(s, huma.Operation{OperationID: "clv-calculator-share", Method: http.MethodPost, Path: "/clv/calculator/share",
		Summary: "A read-only, expiring link to the calculator per segment (signed with the app's secret keys)", Tags: tags,
		DefaultStatus: http.StatusCreated}, auth.ManageEmployees, s.shareCalculator)
	register(s, huma.Operation{OperationID: "clv-summary", Method: http.MethodGet, Path: "/clv/summary",
		Summary: "CLV distribution, totals and the fitted models of the last refit", Tags: tags}, auth.Read, s.clvSummary)
	register(s, huma.Operation{OperationID: "clv-pareto", Method: http.MethodGet, Path: "/clv/pareto",
		Summary: "Cumulative share of profit (or revenue, CLV) by share of customers, best first", Tags: tags}, auth.Read, s.clvPareto)
	register(s, huma.Operation{OperationID: "clv-segments", Method: http.MethodGet, Path: "/clv/segments",
		Summary: "RFM segments with customers, revenue, profit and average CLV; mercenaries and apostles", Tags: tags}, auth.Read, s.clvSegments)
	register(s, huma.Operation{OperationID: "clv-customers", Method: http.MethodGet, Path: "/clv/customers",
		Summary: "Customers' lifetime values, by segment or flag", Tags: tags,
		Description: "Paged like every list. Sorted by a value, the cursor is a keyset on (value, customer id): " +
			"each customer appears once across the pages even when many share a value."}, auth.Read, s.clvCustomers)
	register(s, huma.Operation{OperationID: "clv-calibration", Method: http.MethodGet, Path: "/clv/calibration",
		Summary: "How well BG/NBD, MBG/NBD and Pareto/NBD forecast a holdout of the business's purchases, and the model in use", Tags: tags,
		Description: "Worked out at each refit: the models are fitted on the purchases up to calibration_end and scored on the holdout to holdout_end " +
			"(half the history, at most 52 weeks). Per model: mae (mean over customers of |expected − actual| holdout purchases; auto uses the lowest), " +
			"the weekly tracking of repeat purchases (actual and expected, weekly and cumulative) and ten deciles of customers by expected purchases " +
			"(mean expected vs actual). The model is the owner's choice, settings' clv_model. 404 before the first refit."}, auth.Read, s.clvCalibration)
	register(s, huma.Operation{OperationID: "customer-value", Method: http.MethodGet, Path: "/customers/{id}/value",
		Summary: "A customer's lifetime value: CLV, P(alive), historical, related-sales and referral value, RFM and segment", Tags: tags}, auth.Read, byKeyOp(s.customerValue))
	register(s, huma.Operation{OperationID: "clv-refit", Method: http.MethodPost, Path: "/clv/refit", DefaultStatus: http.StatusAccepted,
		Summary: "Queue a refit of the lifetime-value models over all purchases", Tags: tags}, auth.ManageEmployees, s.clvRefit)

	// Listening posts and feedback (internal/feedback): responses
	// (api_responses.go, api_feedback_import.go).
	tags = []string{"Feedback"}
	register(s, huma.Operation{OperationID: "create-response", Method: http.MethodPost, Path: "/responses",
		Summary: "Record feedback from any listening post", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Every answer is attributed to customer, purchase, serving employee, location, listening post and time. " +
			"Sentiment and suggested categories are computed, and a durable job feedback.response_recorded is enqueued in the same transaction."}, auth.Write, s.createResponse)
	register(s, huma.Operation{OperationID: "import-responses", Method: http.MethodPost, Path: "/responses:import",
		Summary: "Import satisfaction cards or market research from CSV", Tags: tags,
		Description: "CSV with a header. Columns (any order, all optional but one answer or comment): external_id, listening_post " +
			"(default satisfaction_card), customer_id, customer_external_id, purchase_id, purchase_external_id, employee_id, employee_email, " +
			"location_id, responded_at, nps, csat, ces, acquisition_source, comment, and item columns such as dependability, empathy, " +
			"results, price or rating:<name>. Each line is stored whole or rejected with its line number; a line whose external_id " +
			"was imported before is skipped, so re-importing a file is safe.",
		MaxBodyBytes: maxImportBytes}, auth.Write, s.importResponses) // a raw body has no limit unless given one
	register(s, huma.Operation{OperationID: "list-responses", Method: http.MethodGet, Path: "/responses",
		Summary: "List feedback, newest first", Tags: tags}, auth.Read, s.listResponses)
	register(s, huma.Operation{OperationID: "get-response", Method: http.MethodGet, Path: "/responses/{id}",
		Summary: "Get a response with its answers", Tags: tags}, auth.Read, s.getResponse)
	register(s, huma.Operation{OperationID: "categorise-response", Method: http.MethodPut, Path: "/responses/{id}/categories",
		Summary: "Assign categories to a response", Tags: tags,
		Description: "The classifier learns from these; retrain with POST /api/v1/feedback/classifier:train."}, auth.Write, s.categoriseResponse)
	// Metrics (api_metrics.go).
	tags = []string{"Feedback metrics"}
	register(s, huma.Operation{OperationID: "metric-nps", Method: http.MethodGet, Path: "/metrics/nps",
		Summary: "Net Promoter Score with n and its adjusted-Wald 95% interval", Tags: tags}, auth.Read, s.metricNPS)
	register(s, huma.Operation{OperationID: "metric-csat", Method: http.MethodGet, Path: "/metrics/csat",
		Summary: "CSAT (1–5): top-2-box share and mean, each with n and 95% interval", Tags: tags}, auth.Read, s.metricCSAT)
	register(s, huma.Operation{OperationID: "metric-ces", Method: http.MethodGet, Path: "/metrics/ces",
		Summary: "Customer effort (1–7, 7 = very easy): mean and share easy, with n and 95% interval", Tags: tags}, auth.Read, s.metricCES)
	register(s, huma.Operation{OperationID: "metric-breakdown", Method: http.MethodGet, Path: "/metrics/breakdown",
		Summary: "A score by employee, location, listening post or segment", Tags: tags,
		Description: "Employee and location breakdowns are rankings that hide the score of any group with fewer than min_n answers (default 30)."}, auth.Read, s.metricBreakdown)
	register(s, huma.Operation{OperationID: "metric-trend", Method: http.MethodGet, Path: "/metrics/trend",
		Summary: "A score per day, week or month", Tags: tags,
		Description: "For NPS each point carries its interval and the test against the previous period; significant_change is true only when the change is significant at 95%."}, auth.Read, s.metricTrend)
	register(s, huma.Operation{OperationID: "metric-distribution", Method: http.MethodGet, Path: "/metrics/distribution",
		Summary: "How many answers gave each score", Tags: tags}, auth.Read, s.metricDistribution)
	register(s, huma.Operation{OperationID: "metric-drivers", Method: http.MethodGet, Path: "/metrics/drivers",
		Summary: "Which survey items move NPS (rank correlation, with n and interval)", Tags: tags}, auth.Read, s.metricDrivers)
	// Listening posts and the acquisition report (api_listening_posts.go).
	tags = []string{"Listening posts"}
	register(s, huma.Operation{OperationID: "list-listening-posts", Method: http.MethodGet, Path: "/listening-posts",
		Summary: "Listening posts with volume, response rate, timing and how their feedback is used", Tags: tags}, auth.Read, s.listListeningPosts)
	register(s, huma.Operation{OperationID: "create-listening-post", Method: http.MethodPost, Path: "/listening-posts",
		Summary: "Add a listening post", Tags: tags, DefaultStatus: http.StatusCreated}, auth.ManageEmployees, s.createListeningPost)
	register(s, huma.Operation{OperationID: "get-listening-post", Method: http.MethodGet, Path: "/listening-posts/{id}",
		Summary: "A listening post with its activity and improvement checklist", Tags: tags}, auth.Read, s.getListeningPost)
	register(s, huma.Operation{OperationID: "update-listening-post", Method: http.MethodPatch, Path: "/listening-posts/{id}",
		Summary: "Change a listening post (name, description, use, purpose, owner, questions, checklist) or retire it", Tags: tags}, auth.ManageEmployees, s.updateListeningPost)
	register(s, huma.Operation{OperationID: "add-feedback-use", Method: http.MethodPost, Path: "/listening-posts/{id}/uses",
		Summary: "Record how feedback from a post was used", Tags: tags, DefaultStatus: http.StatusCreated}, auth.Write, s.addFeedbackUse)
	register(s, huma.Operation{OperationID: "acquisition-report", Method: http.MethodGet, Path: "/reports/acquisition",
		Summary: `"How did you hear about us?": count, retention and average value per source`, Tags: tags}, auth.Read, s.acquisitionReport)
	register(s, huma.Operation{OperationID: "acquisition-retention-report", Method: http.MethodGet, Path: "/reports/acquisition-retention",
		Summary: "Acquisition vs retention spend: new customers and their value against customers kept, with a what-if", Tags: tags,
		Description: "Customers kept are the sum of P(alive) of the last refit over customers first seen before the period. " +
			"The what-if moves `move` of acquisition spend to retention under the assumptions it returns (estimates, not forecasts); docs/value.md."},
		auth.Read, s.acquisitionRetention)
	register(s, huma.Operation{OperationID: "value-equation-report", Method: http.MethodGet, Path: "/reports/value-equation",
		Summary: "The Customer Value Equation: (results + process quality) ÷ (price + access costs), with interval, trend and drivers", Tags: tags,
		Description: "From the four value survey items. " + ValueEquationDefinition + " Drivers: rank correlation of each item with NPS and with " +
			"buying again after answering (answers at least 90 days old), with n and interval; items with fewer than 10 answers are skipped with the reason. " +
			"Cost: one pass over the period's value answers (api_value_equation.go)."}, auth.Read, s.valueEquationReport)
	// Surveys and links (api_surveys.go).
	tags = []string{"Surveys"}
	register(s, huma.Operation{OperationID: "list-surveys", Method: http.MethodGet, Path: "/surveys",
		Summary: "List surveys", Tags: tags}, auth.Read, s.listSurveys)
	register(s, huma.Operation{OperationID: "create-survey", Method: http.MethodPost, Path: "/surveys",
		Summary: "Create a survey", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Question types: nps, csat, ces, rating, single_choice, multiple_choice, text, acquisition_source " +
			"(\"How did you hear about us?\"), process_quality (item: dependability, responsiveness, authority, empathy, " +
			"tangible_evidence) and value (item: results, process_quality, price, access_costs)."}, auth.ManageEmployees, s.createSurvey)
	register(s, huma.Operation{OperationID: "get-survey", Method: http.MethodGet, Path: "/surveys/{id}",
		Summary: "Get a survey", Tags: tags}, auth.Read, s.getSurvey)
	register(s, huma.Operation{OperationID: "update-survey", Method: http.MethodPut, Path: "/surveys/{id}",
		Summary: "Replace a survey", Tags: tags,
		Description: "A survey with answers keeps them meaningful: each question it asked stays, with its key, type, item, scale and choices " +
			"(rewording, required, new questions and new choices are allowed). Copy it to ask something else."}, auth.ManageEmployees, s.updateSurvey)
	register(s, huma.Operation{OperationID: "copy-survey", Method: http.MethodPost, Path: "/surveys/{id}/copy",
		Summary: "Copy a survey", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "A new, open survey with the same questions, named \"<name> (copy)\" with a slug of its own."}, auth.ManageEmployees, s.copySurvey)
	register(s, huma.Operation{OperationID: "archive-survey", Method: http.MethodPost, Path: "/surveys/{id}/archive",
		Summary: "Archive a survey", Tags: tags,
		Description: "The survey takes no new answers (active becomes false): its links and widget say it is closed, and no new link can be made. Its answers are kept."}, auth.ManageEmployees, s.archiveSurvey)
	register(s, huma.Operation{OperationID: "unarchive-survey", Method: http.MethodPost, Path: "/surveys/{id}/unarchive",
		Summary: "Bring a survey back from the archive", Tags: tags}, auth.ManageEmployees, s.unarchiveSurvey)
	register(s, huma.Operation{OperationID: "get-survey-translations", Method: http.MethodGet, Path: "/surveys/{id}/translations",
		Summary: "A survey's texts per language, and which are missing", Tags: tags,
		Description: "The survey's own texts are in the business's default language; each other language's texts fall back to them " +
			"where missing, and missing lists each such text."}, auth.Read, s.getSurveyTranslations)
	register(s, huma.Operation{OperationID: "put-survey-translation", Method: http.MethodPut, Path: "/surveys/{id}/translations/{language}",
		Summary: "Replace a survey's texts in one language", Tags: tags,
		Description: "Questions by key, choices by the choice as the default language words it; a blank or left-out text is missing " +
			"(the form shows the default language's). Unknown questions and choices are refused naming the field. " + ifMatchAdvice}, auth.ManageEmployees, s.putSurveyTranslation)
	register(s, huma.Operation{OperationID: "create-invitation", Method: http.MethodPost, Path: "/surveys/{id}/invitations",
		Summary: "Create a signed, single-use, expiring survey link", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "Refused (409) when the customer has not consented to surveys or was asked for feedback on any channel " +
			"within the contact interval (30 days)."}, auth.Write, s.createInvitation)
	// Invitations that send themselves (api_invitations.go).
	register(s, huma.Operation{OperationID: "list-invitation-rules", Method: http.MethodGet, Path: "/surveys/{id}/invitation-rules",
		Summary: "A survey's invitation rules, with what they did in the period", Tags: tags}, auth.Read, s.listInvitationRules)
	register(s, huma.Operation{OperationID: "create-invitation-rule", Method: http.MethodPost, Path: "/surveys/{id}/invitation-rules",
		Summary: "Send the survey by itself after an event", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "After each purchase (optionally at a location and/or through a channel), closed case or completed call from now on, " +
			"the survey goes to the customer by e-mail or SMS after the delay, outside the quiet hours, with at most one reminder. " +
			"A customer without consent, without an address, with a bounced address or asked within the contact interval is skipped, with the reason recorded."},
		auth.ManageEmployees, s.createInvitationRule)
	register(s, huma.Operation{OperationID: "update-invitation-rule", Method: http.MethodPut, Path: "/invitation-rules/{id}",
		Summary: "Replace an invitation rule", Tags: tags}, auth.ManageEmployees, s.updateInvitationRule)
	register(s, huma.Operation{OperationID: "delete-invitation-rule", Method: http.MethodDelete, Path: "/invitation-rules/{id}",
		Summary: "Delete an invitation rule that has not invited anybody", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "A rule with invitations keeps its history: 409; set active to false instead."}, auth.ManageEmployees, s.deleteInvitationRule)
	register(s, huma.Operation{OperationID: "list-invitation-templates", Method: http.MethodGet, Path: "/surveys/{id}/invitation-templates",
		Summary: "The survey's invitation e-mail in each language", Tags: tags,
		Description: "The customer's locale picks the language (its base language), else the business's default, else English."}, auth.Read, s.listInvitationTemplates)
	register(s, huma.Operation{OperationID: "set-invitation-template", Method: http.MethodPut, Path: "/surveys/{id}/invitation-templates",
		Summary: "Set the survey's own invitation e-mail in a language", Tags: tags}, auth.ManageEmployees, s.setInvitationTemplate)
	register(s, huma.Operation{OperationID: "reset-invitation-template", Method: http.MethodPost, Path: "/surveys/{id}/invitation-templates:reset",
		Summary: "Go back to the built-in invitation e-mail in a language", Tags: tags, DefaultStatus: http.StatusNoContent}, auth.ManageEmployees, s.resetInvitationTemplate)
	register(s, huma.Operation{OperationID: "list-invitation-sends", Method: http.MethodGet, Path: "/surveys/{id}/invitation-sends",
		Summary: "The invitations the survey's rules made: sent, pending, skipped with the reason", Tags: tags}, auth.Read, s.listInvitationSends)
	register(s, huma.Operation{OperationID: "sweep-invitations", Method: http.MethodPost, Path: "/invitations:sweep",
		Summary: "Schedule and send the invitations that are due now", Tags: tags,
		Description: "The same sweep runs every 5 minutes as a job; this runs it at once."}, auth.ManageEmployees, s.sweepInvitations)
	// Follow-up calls (api_call_tasks.go).
	tags = []string{"Follow-up calls"}
	register(s, huma.Operation{OperationID: "list-call-tasks", Method: http.MethodGet, Path: "/call-tasks",
		Summary: "Follow-up satisfaction calls", Tags: tags,
		Description: "mine=true lists the calls assigned to the logged-in employee or, unassigned, to their team."}, auth.Read, s.listCallTasks)
	register(s, huma.Operation{OperationID: "call-script", Method: http.MethodGet, Path: "/call-tasks/script",
		Summary: "The follow-up call script (no sales offer)", Tags: tags}, auth.Read, s.callScript)
	register(s, huma.Operation{OperationID: "record-call-outcome", Method: http.MethodPost, Path: "/call-tasks/{id}/outcome",
		Summary: "Record a follow-up call's outcome and the customer's answers", Tags: tags}, auth.Write, s.recordCallOutcome)
	register(s, huma.Operation{OperationID: "sweep-call-tasks", Method: http.MethodPost, Path: "/call-tasks:sweep",
		Summary: "Create the follow-up call tasks that are due now", Tags: tags,
		Description: "The same sweep runs every 15 minutes as a job; this runs it at once."}, auth.ManageEmployees, s.sweepCallTasks)
	// The business's settings (api_settings.go).
	tags = []string{"Settings"}
	register(s, huma.Operation{OperationID: "get-settings", Method: http.MethodGet, Path: "/settings",
		Summary: "The business's name, currency, time zone, locale and hours", Tags: tags}, auth.Read, s.getSettings)
	register(s, huma.Operation{OperationID: "put-settings", Method: http.MethodPut, Path: "/settings",
		Summary: "Replace the business's settings (owners)", Tags: tags, Description: ifMatchAdvice +
			" Every field is replaced; a bad one is named in the 422 answer and nothing is written. Audited."}, auth.ManageUsers, s.putSettings)
	// Categories and the classifier (api_feedback_text.go).
	tags = []string{"Feedback text"}
	register(s, huma.Operation{OperationID: "list-feedback-categories", Method: http.MethodGet, Path: "/feedback/categories",
		Summary: "The category taxonomy", Tags: tags}, auth.Read, s.listFeedbackCategories)
	register(s, huma.Operation{OperationID: "replace-feedback-categories", Method: http.MethodPut, Path: "/feedback/categories",
		Summary: "Replace the category taxonomy", Tags: tags}, auth.ManageEmployees, s.replaceFeedbackCategories)
	register(s, huma.Operation{OperationID: "classifier-status", Method: http.MethodGet, Path: "/feedback/classifier",
		Summary: "The classifier and its held-out accuracy", Tags: tags}, auth.Read, s.classifierStatus)
	register(s, huma.Operation{OperationID: "train-classifier", Method: http.MethodPost, Path: "/feedback/classifier:train",
		Summary: "Retrain the classifier on the categories staff assigned", Tags: tags,
		Description: "Reports 5-fold cross-validated (held-out) precision, recall and F1. Needs at least 20 categorised comments (409 before)."}, auth.ManageEmployees, s.trainClassifier)
	register(s, huma.Operation{OperationID: "suggest-categories", Method: http.MethodPost, Path: "/feedback/suggest",
		Summary: "Sentiment and suggested categories for a comment", Tags: tags}, auth.Read, s.suggestCategories)
	// The comments page's figures, queue, versions and themes (api_classifier.go).
	register(s, huma.Operation{OperationID: "add-feedback-category", Method: http.MethodPost, Path: "/feedback/categories",
		Summary: "Add one category to the taxonomy (e.g. an emerging theme)", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "The slug defaults to the name made lower-case with hyphens; a slug in use is a conflict (409). Audited."}, auth.ManageEmployees, s.addFeedbackCategory)
	register(s, huma.Operation{OperationID: "classifier-quality", Method: http.MethodGet, Path: "/feedback/classifier/quality",
		Summary: "Each category's cross-validated precision, recall and F1, and the labels weak ones need", Tags: tags,
		Description: "Every category of the taxonomy, weakest first: those no categorised comment carries yet come first with support 0, nothing measured, and the labels to start with in more_labels."}, auth.Read, s.classifierQuality)
	register(s, huma.Operation{OperationID: "classifier-queue", Method: http.MethodGet, Path: "/feedback/classifier/queue",
		Summary: "The uncategorised comments the classifier is least sure about (active learning)", Tags: tags}, auth.Read, s.classifierQueue)
	register(s, huma.Operation{OperationID: "queue-classifier-training", Method: http.MethodPost, Path: "/feedback/classifier:retrain",
		Summary: "Queue a retraining of the classifier as a background job", Tags: tags, DefaultStatus: http.StatusAccepted,
		Description: "One waiting retraining at most: it replaces one not yet started (categorising a comment queues one five minutes out). The new version appears in " +
			"GET /api/v1/feedback/classifier/versions when the job is done."}, auth.ManageEmployees, s.queueClassifierTraining)
	register(s, huma.Operation{OperationID: "classifier-versions", Method: http.MethodGet, Path: "/feedback/classifier/versions",
		Summary: "The kept classifier versions with their held-out scores", Tags: tags}, auth.Read, s.classifierVersions)
	register(s, huma.Operation{OperationID: "rollback-classifier", Method: http.MethodPost, Path: "/feedback/classifier/versions/{id}",
		Summary: "Make a kept version the classifier in use: POST /api/v1/feedback/classifier/versions/{version}:rollback", Tags: tags,
		Description: "Its evaluation becomes the one reported. Audited."}, auth.ManageEmployees, s.rollbackClassifier)
	register(s, huma.Operation{OperationID: "feedback-themes", Method: http.MethodGet, Path: "/feedback/themes",
		Summary: "Emerging themes among the last two weeks' uncategorised comments, with week-over-week growth", Tags: tags,
		Description: "Themes are clusters of comments over word TF-IDF, named by their most distinctive phrase. growing is true when a " +
			"theme's share of this week's comments is significantly above last week's (one-sided 95%, at least 5 comments); " +
			"the owners are notified (event feedback.theme_growing) once per theme a month."}, auth.Read, s.feedbackThemes)
	// The employee pulse (api_pulses.go): results behind the anonymity floor (internal/pulse/floor.go).
	tags = []string{"Employee pulse"}
	register(s, huma.Operation{OperationID: "pulse-results", Method: http.MethodGet, Path: "/pulses/results",
		Summary: "Pulse results per team or location and month, behind the anonymity floor", Tags: tags,
		Description: "Per unit and month: n, the mean and 95% interval of each scale question, eNPS with promoters, passives, " +
			"detractors and its adjusted-Wald interval, and the free-text answers as an unordered list. " + pulse.Rule}, auth.StaffAggregates, s.pulseResults)
	register(s, huma.Operation{OperationID: "list-pulses", Method: http.MethodGet, Path: "/pulses",
		Summary: "The monthly pulses with how many were asked and answered", Tags: tags}, auth.StaffAggregates, s.listPulses)
	register(s, huma.Operation{OperationID: "import-pulse-answer", Method: http.MethodPost, Path: "/pulses/{id}/answers",
		Summary: "Import one answer collected elsewhere into an open pulse (owners)", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "The body gives the unit (team_id and/or location_id) and every scale and eNPS answer; a bad field is named (422) and nothing is stored. " +
			"A closed pulse takes no answers (409): its results are published. Audited."}, auth.ManageUsers, s.importPulseAnswer)
	register(s, huma.Operation{OperationID: "get-pulse-questions", Method: http.MethodGet, Path: "/pulses/questions",
		Summary: "The pulse's questions in use", Tags: tags}, auth.Read, s.getPulseQuestions)
	register(s, huma.Operation{OperationID: "put-pulse-questions", Method: http.MethodPut, Path: "/pulses/questions",
		Summary: "Store a new version of the pulse's questions (owners)", Tags: tags,
		Description: "Pulses opened from now on ask it; earlier ones keep their wording. satisfaction, capability, latitude (scale), " +
			"decisions (text) and enps stay (reword them freely); others may be added (scale or text). Audited."}, auth.ManageUsers, s.putPulseQuestions)

	// Satisfaction goals (api_goals.go): owners and managers set them
	// (managers for their own location and teams: package goals decides);
	// everyone reads them, agents only the business's, segments' and their
	// own unit's.
	tags = []string{"Goals"}
	register(s, huma.Operation{OperationID: "list-goals", Method: http.MethodGet, Path: "/goals",
		Summary: "The satisfaction goals", Tags: tags, Description: "Agents see the goals of the whole business, of segments, and of their own location and team."}, auth.Read, s.listGoals)
	register(s, huma.Operation{OperationID: "create-goal", Method: http.MethodPost, Path: "/goals",
		Summary: "Set a satisfaction goal (owners; managers for their own location and teams)", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: goalMetricDoc + " A bad field is named (422) and nothing is stored. Audited."}, auth.ManageEmployees, s.createGoal)
	register(s, huma.Operation{OperationID: "goals-progress", Method: http.MethodGet, Path: "/goals/progress",
		Summary: "Each goal with its value so far, 95% interval, n and status in its current period", Tags: tags,
		Description: "status is on_track when the whole 95% interval is on the target's side, off_track when the whole of it is on the wrong " +
			"side, cant_tell otherwise or with fewer than 5 observations. Pulse satisfaction is read only from months the pulse's anonymity " +
			"floor shows: below it value, interval and n are null/0 and the status cant_tell. " + goalMetricDoc}, auth.Read, s.goalsProgress)
	register(s, huma.Operation{OperationID: "get-goal", Method: http.MethodGet, Path: "/goals/{id}",
		Summary: "One satisfaction goal", Tags: tags}, auth.Read, s.getGoal)
	register(s, huma.Operation{OperationID: "patch-goal", Method: http.MethodPatch, Path: "/goals/{id}",
		Summary: "Change a satisfaction goal", Tags: tags, Description: ifMatchAdvice + " Audited."}, auth.ManageEmployees, s.patchGoal)
	register(s, huma.Operation{OperationID: "delete-goal", Method: http.MethodDelete, Path: "/goals/{id}",
		Summary: "Delete a satisfaction goal", Tags: tags, DefaultStatus: http.StatusNoContent, Description: "Audited."}, auth.ManageEmployees, s.deleteGoal)
	s.processAndAnticipationAPI() // routes_api_process.go
}
