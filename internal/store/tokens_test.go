package store_test

import (
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestAPITokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ci, err := db.CreateAPIToken(ctx, "CI", fresco.RoleAgent, "hash-ci")
		if err != nil {
			t.Fatal(err)
		}
		if ci.ID == 0 || ci.Name != "CI" || ci.Role != fresco.RoleAgent || ci.LastUsedAt != nil || ci.RevokedAt != nil {
			t.Fatalf("created %+v", ci)
		}
		bi, err := db.CreateAPIToken(ctx, "BI", fresco.RoleAnalyst, "hash-bi")
		if err != nil {
			t.Fatal(err)
		}
		wantConflict(t, errOf(db.CreateAPIToken(ctx, "again", fresco.RoleAgent, "hash-ci")), "token")
		wantFieldError(t, errOf(db.CreateAPIToken(ctx, "bad", "root", "hash-x")), fresco.EINVALID, "role")
		wantFieldError(t, errOf(db.CreateAPIToken(ctx, "", fresco.RoleAgent, "hash-y")), fresco.EINVALID, "name")

		got, err := db.APITokenByHash(ctx, "hash-ci")
		if err != nil || got.ID != ci.ID || got.Role != fresco.RoleAgent || got.LastUsedAt == nil {
			t.Fatalf("by hash: %+v %v", got, err)
		}
		firstUse := *got.LastUsedAt
		// A second use within the minute does not write last_used_at again.
		got, err = db.APITokenByHash(ctx, "hash-ci")
		if err != nil || got.LastUsedAt == nil || !got.LastUsedAt.Equal(firstUse) {
			t.Fatalf("second use: %+v %v (first use %v)", got, err, firstUse)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.APITokenByHash(ctx, "hash-nope")))

		if err := db.RevokeAPIToken(ctx, ci.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeAPIToken(ctx, ci.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		wantCode(t, fresco.ENOTFOUND, db.RevokeAPIToken(ctx, 999))
		wantCode(t, fresco.ENOTFOUND, errOf(db.APITokenByHash(ctx, "hash-ci")))
		if _, err := db.APITokenByHash(ctx, "hash-bi"); err != nil {
			t.Fatalf("other token after revoke: %v", err)
		}

		list, err := db.ListAPITokens(ctx)
		if err != nil || len(list) != 2 || list[0].ID != ci.ID || list[1].ID != bi.ID {
			t.Fatalf("list: %v %v", list, err)
		}
		if list[0].RevokedAt == nil || list[1].RevokedAt != nil || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(firstUse) {
			t.Fatalf("list state: %+v %+v", list[0], list[1])
		}
	})
}
