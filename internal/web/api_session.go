package web

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/auth"
)

// permPublic marks the few operations anyone may call (logging in and out).
const permPublic auth.Permission = "public"

// LoginInput is an e-mail address and password.
type LoginInput struct {
	Email    string `json:"email" maxLength:"320"`
	Password string `json:"password" maxLength:"1024" writeOnly:"true"`
}

// Me is the authenticated caller.
type Me struct {
	Role      string    `json:"role" enum:"owner,manager,agent,analyst"`
	Employee  *Employee `json:"employee,omitempty" doc:"Set for a login session."`
	TokenID   int64     `json:"token_id,omitempty" doc:"Set for an API token."`
	TokenName string    `json:"token_name,omitempty"`
}

func meOut(p *auth.Principal) Me {
	m := Me{Role: string(p.Role), TokenID: p.TokenID, TokenName: p.TokenName}
	if p.Employee != nil {
		e := employeeOut(p.Employee)
		m.Employee = &e
	}
	return m
}

// clientInfo captures what a login needs from the connection.
type clientInfo struct {
	remoteAddr string
	tls        bool
}

// Resolve is called by huma with the request context.
func (c *clientInfo) Resolve(ctx huma.Context) []error {
	c.remoteAddr = ctx.RemoteAddr()
	c.tls = ctx.TLS() != nil
	return nil
}

type loginRequest struct {
	clientInfo
	Body LoginInput
}

type sessionResponse struct {
	SetCookie *http.Cookie `header:"Set-Cookie"`
	Body      Me
}

type logoutRequest struct {
	clientInfo
	Session string `cookie:"fresco_session" doc:"The session to end."`
}

type logoutResponse struct {
	SetCookie *http.Cookie `header:"Set-Cookie"`
}

func (s *Server) login(ctx context.Context, in *loginRequest) (*sessionResponse, error) {
	id, emp, err := s.auth.Login(ctx, in.Body.Email, in.Body.Password, in.remoteAddr)
	if err != nil {
		return nil, err
	}
	return &sessionResponse{SetCookie: s.auth.Cookie(id, in.tls),
		Body: meOut(&auth.Principal{Role: emp.Role, Employee: emp})}, nil
}

func (s *Server) whoami(ctx context.Context, in *struct{}) (*One[Me], error) {
	return &One[Me]{Body: meOut(principal(ctx))}, nil
}

func (s *Server) logout(ctx context.Context, in *logoutRequest) (*logoutResponse, error) {
	if err := s.auth.Logout(ctx, in.Session); err != nil {
		return nil, err
	}
	return &logoutResponse{SetCookie: s.auth.ExpiredCookie(in.tls)}, nil
}
