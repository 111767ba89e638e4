package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// APIToken describes an API token; the secret itself is shown only once, in
// the response that creates it.
type APIToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role" enum:"owner,manager,agent,analyst"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func tokenOut(t *fresco.APIToken) APIToken {
	return APIToken{ID: t.ID, Name: t.Name, Role: string(t.Role), CreatedAt: t.CreatedAt,
		LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

// NewAPIToken is a freshly created token, secret included.
type NewAPIToken struct {
	APIToken
	Token string `json:"token" doc:"The secret: send it as Authorization: Bearer <token>. It is shown only now."`
}

// APITokenInput creates an API token.
type APITokenInput struct {
	Name string `json:"name" minLength:"1" maxLength:"100" doc:"What the token is for, e.g. the program that uses it."`
	Role string `json:"role" enum:"owner,manager,agent,analyst"`
}

func (s *Server) listTokens(ctx context.Context, in *struct{}) (*PageBody[APIToken], error) {
	list, err := s.db.ListAPITokens(ctx)
	if err != nil {
		return nil, err
	}
	return page(list, "", tokenOut), nil
}

func (s *Server) createToken(ctx context.Context, in *struct{ Body APITokenInput }) (*Created[NewAPIToken], error) {
	token, t, err := s.staff.CreateToken(ctx, staffActor(ctx), in.Body.Name, fresco.Role(in.Body.Role))
	if err != nil {
		return nil, err
	}
	return &Created[NewAPIToken]{Location: fmt.Sprintf("%s/tokens/%d", apiPrefix, t.ID),
		Body: NewAPIToken{APIToken: tokenOut(t), Token: token}}, nil
}

func (s *Server) revokeToken(ctx context.Context, in *IDParam) (*struct{}, error) {
	return nil, s.staff.RevokeToken(ctx, staffActor(ctx), in.ID)
}
