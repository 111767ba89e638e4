package loop_test

import (
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/loop"
)

func TestMayClose(t *testing.T) {
	t.Parallel()
	owned := &fresco.FollowUp{OwnerID: ptr(int64(7))}
	unowned := &fresco.FollowUp{}
	for _, tc := range []struct {
		role     fresco.Role
		employee int64
		f        *fresco.FollowUp
		want     bool
	}{
		{fresco.RoleAgent, 7, owned, true},
		{fresco.RoleAgent, 8, owned, false},
		{fresco.RoleAgent, 8, unowned, false},
		{fresco.RoleAgent, 0, owned, true}, // an agent's API token acts for the role
		{fresco.RoleManager, 8, owned, true},
		{fresco.RoleOwner, 8, unowned, true},
	} {
		if got := loop.MayClose(tc.role, tc.employee, tc.f); got != tc.want {
			t.Errorf("MayClose(%s, %d, owner %v) = %v, want %v", tc.role, tc.employee, tc.f.OwnerID, got, tc.want)
		}
	}
}
