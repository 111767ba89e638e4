package rewards

import (
	"context"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
)

// Nominate records a nomination. A colleague's (source peer) names the
// actor as nominator and is refused for themselves (field employee_id); a
// customer's (source customer) is recorded by staff or an integration on
// the customer's behalf — a letter, a web form — naming the customer when
// known. The nominee must be an employee; the customer, when given, must
// exist. Audited on the nominee.
func (s *Service) Nominate(ctx context.Context, a Actor, n *fresco.Nomination) error {
	if n.Source == fresco.NominationPeer {
		n.NominatorID = a.EmployeeID
		if a.EmployeeID == nil {
			return invalid("source", "a colleague nominates signed in as themselves; an API token records a customer's nomination (source customer)")
		}
	}
	if err := s.checkNomination(ctx, n); err != nil {
		return err
	}
	n.CreatedBy = a.Ref
	err := s.db.InTx(ctx, func(tx *store.Tx) error { return s.createNomination(ctx, tx, a, n) })
	s.wake(err)
	return err
}

// checkNomination validates n and that the people it names exist.
func (s *Service) checkNomination(ctx context.Context, n *fresco.Nomination) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if _, err := s.db.Employee(ctx, n.NomineeID); fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return invalid("employee_id", "no such employee")
	} else if err != nil {
		return err
	}
	if n.CustomerID != nil {
		if _, err := s.db.Customer(ctx, *n.CustomerID); fresco.ErrorCode(err) == fresco.ENOTFOUND {
			return invalid("customer_id", "no such customer")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// createNomination stores n, audits it and, in the same transaction,
// tells the nominee: recognition that nobody hears of rewards nobody.
func (s *Service) createNomination(ctx context.Context, tx *store.Tx, a Actor, n *fresco.Nomination) error {
	if err := tx.CreateNomination(ctx, n); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, "nomination.create", "employee", n.NomineeID, map[string]any{"nomination": n.ID,
		"source": n.Source, "nominator": n.NominatorID, "customer": n.CustomerID}); err != nil {
		return err
	}
	return s.tellNominee(ctx, tx, n)
}

// NominationLink is where a nomination's notification points: the
// recognition feed, at the nomination. Customer erasure finds the
// notifications quoting a customer's words by it.
func NominationLink(id int64) string { return "/recognition#nomination-" + itoa(id) }

// tellNominee notifies the nominee in the app and by e-mail (the outbox),
// quoting the reason. A customer is not named: the nominee learns what
// was said, not who said it.
func (s *Service) tellNominee(ctx context.Context, tx *store.Tx, n *fresco.Nomination) error {
	if s.notifier == nil {
		return nil
	}
	who := "A customer"
	if n.NominatorID != nil {
		e, err := tx.Employee(ctx, *n.NominatorID)
		if err != nil {
			return err
		}
		who = e.Name
	}
	_, err := s.notifier.Notify(ctx, tx, notify.Notification{Event: notify.EventNominated, EmployeeIDs: []int64{n.NomineeID},
		Subject: "You were nominated for an award",
		Body:    fmt.Sprintf("%s nominated you for an award: “%s”", who, n.Reason),
		Link:    NominationLink(n.ID),
		Data:    map[string]any{"nomination_id": n.ID, "employee_id": n.NomineeID, "source": n.Source}})
	return err
}

// wake sends what a committed nomination queued at once rather than at
// the outbox's next poll.
func (s *Service) wake(err error) {
	if err == nil && s.notifier != nil {
		s.notifier.Wake()
	}
}

// CustomerNominates records the nomination a customer makes on the public
// survey page of invitation inv: for the employee the invitation names
// (who served them), once per invitation. It answers ECONFLICT for a
// second one and EINVALID when the invitation names nobody.
func (s *Service) CustomerNominates(ctx context.Context, inv *fresco.Invitation, reason string) error {
	if inv.EmployeeID == nil {
		return invalid("employee_id", "this survey names no one who served you")
	}
	n := &fresco.Nomination{NomineeID: *inv.EmployeeID, Source: fresco.NominationCustomer, CustomerID: inv.CustomerID,
		Reason: reason, CreatedBy: InvitationRef(inv.ID)}
	if err := s.checkNomination(ctx, n); err != nil {
		return err
	}
	a := Actor{Ref: n.CreatedBy, Role: fresco.RoleAgent}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		taken, err := tx.NominationBy(ctx, n.CreatedBy)
		if err != nil {
			return err
		}
		if taken {
			return fresco.Errorf(fresco.ECONFLICT, "a nomination was already made from this survey")
		}
		return s.createNomination(ctx, tx, a, n)
	})
	s.wake(err)
	return err
}

// InvitationRef is who made a nomination from a survey link: the
// invitation, as the audit log names it.
func InvitationRef(id int64) string { return "invitation:" + itoa(id) }
