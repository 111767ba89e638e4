package recovery

import (
	"context"
	"fmt"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
)

// ViaNotify delivers case notifications through internal/notify (the UI's
// live stream, e-mail and webhooks subscribed to "case.*"). The event is
// "case." + the notification kind, e.g. case.sla_breached,
// case.special_attention, case.approval_needed.
func ViaNotify(n *notify.Notifier) Notifier {
	if n == nil {
		return NopNotifier{}
	}
	return notifyAdapter{n}
}

type notifyAdapter struct{ n *notify.Notifier }

func (a notifyAdapter) Notify(ctx context.Context, cn fresco.CaseNotification) error {
	var ids []int64
	if cn.EmployeeID != nil {
		ids = []int64{*cn.EmployeeID}
	}
	subject := fmt.Sprintf("Case %d: %s", cn.CaseID, strings.ReplaceAll(cn.Kind, "_", " "))
	_, err := a.n.Send(ctx, notify.Notification{Event: "case." + cn.Kind, EmployeeIDs: ids, Subject: subject,
		Body: cn.Message, Link: fmt.Sprintf("/cases/%d", cn.CaseID),
		Data: map[string]any{"case_id": cn.CaseID, "kind": cn.Kind, "notification_id": cn.ID}})
	return err
}
