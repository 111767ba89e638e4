package feedback

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// CallRequest asks for a follow-up call that staff start themselves, ahead
// of (or instead of) the sweep's: about a purchase of the customer's, the
// latest when none is named.
type CallRequest struct {
	CustomerID int64
	PurchaseID *int64
	EmployeeID *int64    // who calls; nil: the employee who served, else their team or the managers
	DueAt      time.Time // zero: now
}

// ScheduleCall creates the open call task of a request, under the same
// rules as the sweep's: one call per purchase (asking again for a purchase
// whose call is still open returns that call, so a form sent twice makes
// one), and a customer who did not consent or was asked within the contact
// interval is not called — staff are told why rather than a skipped task
// being filed. created reports whether the task is new.
func (s *Service) ScheduleCall(ctx context.Context, in CallRequest) (task *fresco.CallTask, created bool, err error) {
	var v fresco.Validation
	if in.CustomerID <= 0 {
		v.Add("customer_id", "choose the customer to call")
	}
	checkID(&v, "purchase_id", in.PurchaseID)
	checkID(&v, "employee_id", in.EmployeeID)
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	purchaseID, err := s.purchaseToCallAbout(ctx, in)
	if err != nil {
		return nil, false, err
	}
	due := in.DueAt
	if due.IsZero() {
		due = s.now()
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.PurchaseAttribution(ctx, purchaseID)
		if err != nil {
			return err
		}
		if a.CustomerID == nil || *a.CustomerID != in.CustomerID {
			var v fresco.Validation
			v.Add("purchase_id", "is not a purchase of this customer")
			return v.Err()
		}
		if open, err := tx.CallTaskOfPurchase(ctx, purchaseID); err != nil || open != nil {
			if err == nil && open.Status != CallOpen {
				err = fresco.Errorf(fresco.ECONFLICT, "the call about this purchase is already %s: a purchase has one follow-up call",
					callStatusWords[open.Status])
			}
			if open != nil {
				id = open.ID
			}
			return err
		}
		t := &fresco.CallTask{PurchaseID: purchaseID, CustomerID: in.CustomerID, EmployeeID: a.EmployeeID,
			LocationID: a.LocationID, DueAt: due, Status: CallOpen}
		if in.EmployeeID != nil {
			t.EmployeeID = in.EmployeeID
		}
		if t.EmployeeID != nil {
			e, err := tx.Employee(ctx, *t.EmployeeID)
			if fresco.ErrorCode(err) == fresco.ENOTFOUND {
				var v fresco.Validation
				v.Add("employee_id", "employee %d does not exist", *t.EmployeeID)
				return v.Err()
			} else if err != nil {
				return err
			}
			t.TeamID = e.TeamID
		}
		if err := s.checkContactRule(ctx, tx, in.CustomerID, "call", s.now()); err != nil {
			return err
		}
		if created, err = tx.CreateCallTask(ctx, t); err != nil || !created {
			return err
		}
		id = t.ID
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if id == 0 { // the sweep made it meanwhile
		task, err = s.db.CallTaskOfPurchase(ctx, purchaseID)
		return task, false, err
	}
	task, err = s.db.CallTask(ctx, id)
	return task, created, err
}

// callStatusWords say what became of a call that is no longer open.
var callStatusWords = map[string]string{CallDone: "done", CallNoAnswer: "made without an answer",
	CallDeclined: "declined by the customer", CallSkipped: "skipped"}

// purchaseToCallAbout is the request's purchase, or the customer's latest.
func (s *Service) purchaseToCallAbout(ctx context.Context, in CallRequest) (int64, error) {
	if in.PurchaseID != nil {
		return *in.PurchaseID, nil
	}
	if _, err := s.db.Customer(ctx, in.CustomerID); fresco.ErrorCode(err) == fresco.ENOTFOUND {
		var v fresco.Validation
		v.Add("customer_id", "customer %d does not exist", in.CustomerID)
		return 0, v.Err()
	} else if err != nil {
		return 0, err
	}
	latest, err := s.db.CustomerPurchases(ctx, in.CustomerID, 1)
	if err != nil {
		return 0, err
	}
	if len(latest) == 0 {
		var v fresco.Validation
		v.Add("purchase_id", "this customer has no purchase to call about")
		return 0, v.Err()
	}
	return latest[0].ID, nil
}
