package recovery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// JobOpenFromComplaint opens a case for a complaint that arrived at a
// listening post. The closed loop enqueues it in the transaction that opens
// the complaint's follow-up, with a unique key per response, so the same
// day's complaint becomes a case — and the customer is flagged for special
// attention — without anyone retyping it.
const JobOpenFromComplaint = "recovery.open_from_complaint"

// complaint is the job's payload: what the case needs from the response.
// Source is the case's source ("complaint", or "low_csat" for a bad call);
// empty in jobs queued before it existed, which were all complaints.
type complaint struct {
	ResponseID  int64     `json:"response_id"`
	CustomerID  int64     `json:"customer_id"`
	PurchaseID  *int64    `json:"purchase_id,omitempty"`
	LocationID  *int64    `json:"location_id,omitempty"`
	EmployeeID  *int64    `json:"employee_id,omitempty"`
	Comment     string    `json:"comment"`
	RespondedAt time.Time `json:"responded_at"`
	Source      string    `json:"source,omitempty"`
}

// EnqueueCaseFromComplaint schedules a case for the complaint r within tx —
// or for any bad answer the closed loop escalates, such as a follow-up call
// that went badly.
// An anonymous complaint has nobody to flag or call back, so it opens no
// case (its follow-up still reaches the staff).
func EnqueueCaseFromComplaint(ctx context.Context, tx *store.Tx, r *store.LoopResponse) error {
	if r.CustomerID == nil {
		return nil
	}
	_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: JobOpenFromComplaint, UniqueKey: fmt.Sprintf("%s:%d", JobOpenFromComplaint, r.ID),
		Payload: complaintOf(r)})
	return err
}

// complaintOf is the job's payload for the complaint r, which has a customer.
func complaintOf(r *store.LoopResponse) complaint {
	source := "complaint"
	if r.PostSlug != "complaint" && r.CSAT != nil && *r.CSAT <= 2 {
		source = "low_csat"
	}
	return complaint{ResponseID: r.ID, CustomerID: *r.CustomerID, PurchaseID: r.PurchaseID, LocationID: r.LocationID,
		EmployeeID: r.EmployeeID, Comment: r.Comment, RespondedAt: r.RespondedAt, Source: source}
}

// openFromComplaint is the job's handler. The case records its response,
// which may have only one case, in the transaction that opens it, so two
// runs of the job at once (a worker that overran its lease and the one that
// took the job over) open one case between them: the other's transaction
// rolls back. The look for an existing case first covers complaint cases
// opened before cases recorded their response (migration 00013).
func (s *Service) openFromComplaint(ctx context.Context, p complaint) error {
	summary := complaintSummary(p.Comment)
	existing, _, err := s.db.ListCases(ctx, store.CaseFilter{CustomerID: &p.CustomerID, Limit: 50})
	if err != nil {
		return err
	}
	for _, c := range existing {
		if c.Source == "complaint" && c.OpenedAt.Equal(p.RespondedAt.UTC().Truncate(time.Microsecond)) {
			return nil
		}
	}
	if p.Source == "" {
		p.Source = "complaint"
	}
	in := OpenInput{CustomerID: p.CustomerID, PurchaseID: p.PurchaseID, LocationID: p.LocationID, Source: p.Source,
		Summary: summary, OpenedAt: p.RespondedAt, SourceResponseID: &p.ResponseID}
	if p.EmployeeID != nil {
		in.Involved = []int64{*p.EmployeeID}
	}
	_, err = s.Open(ctx, System, in)
	if in.PurchaseID != nil && hasField(err, "purchase_id") {
		// The response named a purchase that is not the customer's: the
		// case is still worth opening, on the customer alone.
		in.PurchaseID = nil
		_, err = s.Open(ctx, System, in)
	}
	switch {
	case errors.Is(err, store.ErrResponseHasCase):
		return nil // already opened, by another run of this job
	case fresco.ErrorCode(err) == fresco.EINVALID:
		return jobs.Cancel(err) // the complaint will not become valid by waiting
	}
	return err
}

// hasField reports whether err is invalid input on field.
func hasField(err error, field string) bool {
	for _, f := range fresco.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

// complaintSummary is the first line of the comment, shortened, or a
// placeholder when the customer wrote nothing.
func complaintSummary(comment string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(comment), "\n")
	if line == "" {
		return "Complaint received (no comment)"
	}
	return fresco.Excerpt(line, 140)
}
