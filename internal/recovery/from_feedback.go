package recovery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

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
type complaint struct {
	ResponseID  int64     `json:"response_id"`
	CustomerID  int64     `json:"customer_id"`
	LocationID  *int64    `json:"location_id,omitempty"`
	EmployeeID  *int64    `json:"employee_id,omitempty"`
	Comment     string    `json:"comment"`
	RespondedAt time.Time `json:"responded_at"`
}

// EnqueueCaseFromComplaint schedules a case for the complaint r within tx.
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
	return complaint{ResponseID: r.ID, CustomerID: *r.CustomerID, LocationID: r.LocationID, EmployeeID: r.EmployeeID,
		Comment: r.Comment, RespondedAt: r.RespondedAt}
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
	in := OpenInput{CustomerID: p.CustomerID, LocationID: p.LocationID, Source: "complaint", Summary: summary,
		OpenedAt: p.RespondedAt, SourceResponseID: &p.ResponseID}
	if p.EmployeeID != nil {
		in.Involved = []int64{*p.EmployeeID}
	}
	_, err = s.Open(ctx, System, in)
	switch {
	case errors.Is(err, store.ErrResponseHasCase):
		return nil // already opened, by another run of this job
	case fresco.ErrorCode(err) == fresco.EINVALID:
		return jobs.Cancel(err) // the complaint will not become valid by waiting
	}
	return err
}

// complaintSummary is the first line of the comment, shortened, or a
// placeholder when the customer wrote nothing.
func complaintSummary(comment string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(comment), "\n")
	if line == "" {
		return "Complaint received (no comment)"
	}
	if utf8.RuneCountInString(line) > 140 {
		line = string([]rune(line)[:139]) + "…"
	}
	return line
}
