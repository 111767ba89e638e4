// Package auth authenticates the people and programs that use Fresco and says
// what each may do.
//
//   - Employees log in to the UI with an e-mail address and a password
//     (argon2id, PHC string format) and get a server-side session: a random id
//     in an HttpOnly, SameSite=Lax cookie, stored only as a SHA-256 hash.
//   - Programs call the API with a bearer token: 32 random bytes shown once,
//     stored as a SHA-256 hash, carrying a role.
//   - Failed logins are rate-limited per account and per client address,
//     counted in the database so that every replica shares one count, and
//     an unknown account fails exactly like a wrong password.
//
// Authenticate is the middleware that finds the caller; PrincipalFrom reads
// it back anywhere below, and Principal.Can says what the caller may do.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "fresco_session"

// Defaults for Options.
const (
	DefaultSessionTTL   = 12 * time.Hour // one working day; log in again tomorrow
	DefaultAccountLimit = 5              // failed logins per account per LimitWindow
	DefaultAddressLimit = 20             // failed logins per client address per LimitWindow
	DefaultLimitWindow  = 15 * time.Minute
)

// Options configure an Auth. Only DB is required.
type Options struct {
	DB     *store.DB
	Logger *slog.Logger
	Now    func() time.Time
	// SessionTTL is how long a session lasts after login.
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure even on plain-HTTP
	// requests, for servers behind a TLS-terminating proxy. Requests that
	// arrive over TLS always get Secure cookies.
	SecureCookies bool
	// AccountLimit and AddressLimit are the failed logins allowed per account
	// and per client address in LimitWindow. Every Auth over the same
	// database (every replica) draws on the same allowance, so all of them
	// should be configured alike.
	AccountLimit, AddressLimit int
	LimitWindow                time.Duration
}

// Auth logs employees in and out, issues API tokens and authenticates requests.
type Auth struct {
	db            *store.DB
	log           *slog.Logger
	now           func() time.Time
	ttl           time.Duration
	secureCookies bool
	limits        *loginLimits
}

// New returns an Auth over the database in o.DB.
func New(o Options) *Auth {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.AccountLimit <= 0 {
		o.AccountLimit = DefaultAccountLimit
	}
	if o.AddressLimit <= 0 {
		o.AddressLimit = DefaultAddressLimit
	}
	if o.LimitWindow <= 0 {
		o.LimitWindow = DefaultLimitWindow
	}
	return &Auth{
		db:            o.DB,
		log:           o.Logger,
		now:           o.Now,
		ttl:           o.SessionTTL,
		secureCookies: o.SecureCookies,
		limits: &loginLimits{
			db:      o.DB,
			now:     o.Now,
			account: rule{burst: float64(o.AccountLimit), window: o.LimitWindow},
			address: rule{burst: float64(o.AddressLimit), window: o.LimitWindow},
		},
	}
}

// ErrInvalidCredentials is the one answer to a login with an unknown e-mail
// address, a wrong password, or an account that cannot log in, so that the
// answer does not reveal which accounts exist.
var ErrInvalidCredentials = &fresco.Error{Code: fresco.EUNAUTHORIZED, Message: "wrong e-mail address or password"}

// RateLimitError says that too many logins failed and when to try again. It
// unwraps to an ERATELIMIT *fresco.Error.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string { return e.Unwrap().Error() }

// Unwrap returns the coded error.
func (e *RateLimitError) Unwrap() error {
	return &fresco.Error{Code: fresco.ERATELIMIT,
		Message: fmt.Sprintf("too many failed logins; try again in %s", e.RetryAfter.Round(time.Second))}
}

// RetryAfter returns how long the caller should wait when err is a
// *RateLimitError, and 0 otherwise.
func RetryAfter(err error) time.Duration {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter
	}
	return 0
}

// Login checks an e-mail address and password and opens a session. It
// returns the session id for the cookie (never stored; see Logout) and the
// employee. Errors: ErrInvalidCredentials, a *RateLimitError, or an internal
// error. remoteAddr is the client's address (http.Request.RemoteAddr).
func (a *Auth) Login(ctx context.Context, email, password, remoteAddr string) (string, *fresco.Employee, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	address := ClientAddress(remoteAddr)
	keys := keysFor(email, address)
	ok, wait, err := a.limits.take(ctx, keys)
	if err != nil {
		return "", nil, fmt.Errorf("check login limits: %w", err)
	}
	if !ok {
		a.log.WarnContext(ctx, "login rate-limited", "email", email, "address", address)
		return "", nil, &RateLimitError{RetryAfter: wait}
	}

	emp, err := a.verify(ctx, email, password)
	if err != nil {
		if errors.Is(err, ErrInvalidCredentials) {
			a.log.InfoContext(ctx, "login failed", "email", email, "address", address)
			a.pruneLoginFailures(ctx)
		}
		return "", nil, err
	}
	// The right password settles the limits even if the client has gone
	// meanwhile (argon2 takes a while): its attempt was already counted.
	if err := a.limits.succeeded(context.WithoutCancel(ctx), keys); err != nil {
		return "", nil, fmt.Errorf("settle login limits: %w", err)
	}

	id, hash, err := NewSessionID()
	if err != nil {
		return "", nil, err
	}
	if err := a.db.CreateSession(ctx, hash, emp.ID, a.now().Add(a.ttl)); err != nil {
		return "", nil, err
	}
	a.log.InfoContext(ctx, "login", "employee_id", emp.ID, "address", address)
	return id, emp, nil
}

// pruneLoginFailures deletes failure counters that no longer count. A
// failed login does it because failures are what create counters; an error
// is only logged, since the login's answer does not depend on it.
func (a *Auth) pruneLoginFailures(ctx context.Context) {
	if err := a.limits.prune(ctx); err != nil {
		a.log.WarnContext(ctx, "prune login failure counters", "err", err)
	}
}

// verify returns the employee whose e-mail and password match, or
// ErrInvalidCredentials after the same amount of work either way. An e-mail
// that is not storable text (bad UTF-8, a NUL byte, which PostgreSQL refuses
// with an error) matches nobody without asking the database.
func (a *Auth) verify(ctx context.Context, email, password string) (*fresco.Employee, error) {
	if email == "" || password == "" || len(password) > MaxPasswordLength || !utf8.ValidString(email) || strings.ContainsRune(email, 0) {
		VerifyPassword(password, dummyHash)
		return nil, ErrInvalidCredentials
	}
	emp, hash, err := a.db.PasswordHash(ctx, email)
	switch {
	case fresco.ErrorCode(err) == fresco.ENOTFOUND:
		VerifyPassword(password, dummyHash)
		return nil, ErrInvalidCredentials
	case err != nil:
		return nil, err
	case hash == "":
		VerifyPassword(password, dummyHash)
		return nil, ErrInvalidCredentials
	}
	ok, err := VerifyPassword(password, hash)
	if err != nil {
		a.log.ErrorContext(ctx, "stored password hash is unusable", "employee_id", emp.ID, "err", err)
		return nil, ErrInvalidCredentials
	}
	if !ok || !emp.Active {
		return nil, ErrInvalidCredentials
	}
	return emp, nil
}

// Logout ends the session with the given id (the cookie value). Ending a
// session that does not exist is not an error.
func (a *Auth) Logout(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return nil
	}
	err := a.db.DeleteSession(ctx, HashToken(sessionID))
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return nil
	}
	return err
}

// StartSession is Login for a login form: it logs in with the request's
// client address and, on success, sets the session cookie on w.
func (a *Auth) StartSession(w http.ResponseWriter, r *http.Request, email, password string) (*fresco.Employee, error) {
	id, emp, err := a.Login(r.Context(), email, password, r.RemoteAddr)
	if err != nil {
		return nil, err
	}
	a.SetSessionCookie(w, r, id)
	return emp, nil
}

// EndSession logs out the session in the request's cookie, if any, and
// clears the cookie.
func (a *Auth) EndSession(w http.ResponseWriter, r *http.Request) error {
	a.ClearSessionCookie(w, r)
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return nil
	}
	return a.Logout(r.Context(), c.Value)
}

// SetSessionCookie sets the session cookie: HttpOnly, SameSite=Lax, Secure
// over TLS (or when Options.SecureCookies), expiring with the session.
func (a *Auth) SetSessionCookie(w http.ResponseWriter, r *http.Request, sessionID string) {
	http.SetCookie(w, a.Cookie(sessionID, r.TLS != nil))
}

// ClearSessionCookie tells the browser to forget the session cookie.
func (a *Auth) ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, a.ExpiredCookie(r.TLS != nil))
}

// Cookie is the session cookie carrying sessionID; tls says whether the
// request came over TLS.
func (a *Auth) Cookie(sessionID string, tls bool) *http.Cookie {
	return &http.Cookie{
		Name:     SessionCookie,
		Value:    sessionID,
		Path:     "/",
		MaxAge:   int(a.ttl.Seconds()),
		Expires:  a.now().Add(a.ttl),
		HttpOnly: true,
		Secure:   a.secureCookies || tls,
		SameSite: http.SameSiteLaxMode,
	}
}

// ExpiredCookie is the cookie that makes a browser forget its session.
func (a *Auth) ExpiredCookie(tls bool) *http.Cookie {
	return &http.Cookie{
		Name:     SessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   a.secureCookies || tls,
		SameSite: http.SameSiteLaxMode,
	}
}

// CreateAPIToken issues a new API token with the given name and role. The
// returned token is the only copy: show it once.
func (a *Auth) CreateAPIToken(ctx context.Context, name string, role fresco.Role) (string, *fresco.APIToken, error) {
	name, err := CheckAPIToken(name, role)
	if err != nil {
		return "", nil, err
	}
	token, hash, err := NewAPIToken()
	if err != nil {
		return "", nil, err
	}
	t, err := a.db.CreateAPIToken(ctx, name, role, hash)
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// CheckAPIToken reports what is wrong with the name and role of a new API
// token, naming each field, and returns the name trimmed.
func CheckAPIToken(name string, role fresco.Role) (string, error) {
	name = strings.TrimSpace(name)
	var v fresco.Validation
	switch {
	case name == "":
		v.Add("name", "is required")
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > 100:
		v.Add("name", "must be at most 100 characters of text")
	}
	if _, err := fresco.ParseRole(string(role)); err != nil {
		v.Add("role", "%s", err.Error())
	}
	return name, v.Err()
}

// Authenticate finds the caller of each request — an API token in
// "Authorization: Bearer …", else a session cookie — and makes it available
// through PrincipalFrom. It rejects nothing: handlers decide what an
// anonymous caller gets. The lookup runs only when something asks, so static
// files and health checks cost no query.
func (a *Auth) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lp := &lazyPrincipal{resolve: func() *Principal { return a.principal(r) }}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, lp)))
	})
}

// principal resolves the caller of r, or nil.
func (a *Auth) principal(r *http.Request) *Principal {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return nil
		}
		t, err := a.db.APITokenByHash(ctx, HashToken(token))
		if err != nil {
			if fresco.ErrorCode(err) != fresco.ENOTFOUND {
				a.log.ErrorContext(ctx, "look up API token", "err", err)
			}
			return nil
		}
		return &Principal{Role: t.Role, TokenID: t.ID, TokenName: t.Name}
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	emp, err := a.db.SessionEmployee(ctx, HashToken(c.Value))
	if err != nil {
		if fresco.ErrorCode(err) != fresco.ENOTFOUND {
			a.log.ErrorContext(ctx, "look up session", "err", err)
		}
		return nil
	}
	if !emp.Active {
		return nil
	}
	return &Principal{Role: emp.Role, Employee: emp}
}

// Principal is an authenticated caller: an employee with a session, or an
// API token. Role is what it may do.
type Principal struct {
	Role      fresco.Role
	Employee  *fresco.Employee // set for a session
	TokenID   int64            // set for an API token
	TokenName string
}

// Actor names the principal in the audit log: "employee:12" or "token:3".
func (p *Principal) Actor() string {
	if p == nil {
		return "anonymous"
	}
	if p.Employee != nil {
		return fmt.Sprintf("employee:%d", p.Employee.ID)
	}
	return fmt.Sprintf("token:%d", p.TokenID)
}

// Name is how to show the principal to people.
func (p *Principal) Name() string {
	switch {
	case p == nil:
		return "anonymous"
	case p.Employee != nil && p.Employee.Name != "":
		return p.Employee.Name
	case p.Employee != nil:
		return p.Employee.Email
	default:
		return "API token " + p.TokenName
	}
}

// Permission is a class of action that roles are granted.
type Permission string

const (
	// Read: see anything. Every role.
	Read Permission = "read"
	// Write: create and change customers, purchases, products, feedback and
	// cases. Owners, managers and agents.
	Write Permission = "write"
	// ManageEmployees: create and change employees, locations and teams.
	// Owners and managers.
	ManageEmployees Permission = "manage_employees"
	// ManageUsers: logins, passwords, owner accounts, API tokens and
	// settings. Owners only.
	ManageUsers Permission = "manage_users"
	// StaffAggregates: staff figures published only as aggregates behind
	// an anonymity floor (the employee pulse's results). Owners, managers
	// and analysts; agents answer the pulse but do not read its results.
	StaffAggregates Permission = "staff_aggregates"
	// ProcessLogs: read process event logs, which say who did what and
	// when (internal/processlog). Owners, managers and analysts; importing
	// and deleting them is ManageEmployees.
	ProcessLogs Permission = "process_logs"
)

// Allowed reports whether role has permission perm.
func Allowed(role fresco.Role, perm Permission) bool {
	switch perm {
	case Read:
		_, err := fresco.ParseRole(string(role))
		return err == nil
	case Write:
		return role.CanWrite()
	case ManageEmployees:
		return role.CanManageEmployees()
	case ManageUsers:
		return role.CanManageUsers()
	case StaffAggregates, ProcessLogs:
		return role == fresco.RoleOwner || role == fresco.RoleManager || role == fresco.RoleAnalyst
	default:
		return false
	}
}

// Can reports whether the principal has permission perm; a nil principal
// has none.
func (p *Principal) Can(perm Permission) bool { return p != nil && Allowed(p.Role, perm) }

type principalKey struct{}

type lazyPrincipal struct {
	once    sync.Once
	resolve func() *Principal
	p       *Principal
}

// PrincipalFrom returns the authenticated caller of the request whose
// context is ctx, and false when the caller is anonymous.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	switch v := ctx.Value(principalKey{}).(type) {
	case *Principal:
		return v, v != nil
	case *lazyPrincipal:
		v.once.Do(func() { v.p = v.resolve() })
		return v.p, v.p != nil
	default:
		return nil, false
	}
}

// WithPrincipal returns a context carrying p, for code that runs outside a
// request (jobs, CLI) and for tests.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}
