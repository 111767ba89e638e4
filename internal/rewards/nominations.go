package rewards

import (
	"context"

	"github.com/fresco-cx/fresco/internal/fresco"
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
	return s.db.InTx(ctx, func(tx *store.Tx) error { return createNomination(ctx, tx, a, n) })
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

func createNomination(ctx context.Context, tx *store.Tx, a Actor, n *fresco.Nomination) error {
	if err := tx.CreateNomination(ctx, n); err != nil {
		return err
	}
	return audit(ctx, tx, a, "nomination.create", "employee", n.NomineeID, map[string]any{"nomination": n.ID,
		"source": n.Source, "nominator": n.NominatorID, "customer": n.CustomerID})
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
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		taken, err := tx.NominationBy(ctx, n.CreatedBy)
		if err != nil {
			return err
		}
		if taken {
			return fresco.Errorf(fresco.ECONFLICT, "a nomination was already made from this survey")
		}
		return createNomination(ctx, tx, a, n)
	})
}

// InvitationRef is who made a nomination from a survey link: the
// invitation, as the audit log names it.
func InvitationRef(id int64) string { return "invitation:" + itoa(id) }
