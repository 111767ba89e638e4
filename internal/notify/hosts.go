package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/idna"
)

// Webhook URLs are given by owners and managers, but the server posts to
// them from inside the business's network. With Options.RefusePrivateHosts
// a subscription may not point at loopback, private, link-local (cloud
// metadata) or otherwise non-public addresses. One policy, hostPolicy.check,
// decides at subscription and again at every dial, after DNS, so a name
// that later resolves inward is refused too. It reads a host the way the
// HTTP client and the C resolver would: IDN names through UTS-46 (full-width
// digits are digits), numeric forms as inet_aton(3) does ("2130706433",
// "0x7f000001", "0177.0.0.1", "127.1"), and IPv6 addresses by the IPv4
// address they embed (mapped, NAT64, 6to4, Teredo).

// errPrivateHost is why a delivery to an internal address was not made.
var errPrivateHost = errors.New("refused: the address is not public, e.g. loopback, private, link-local or reserved (start fresco with --webhook-private to allow receivers inside your network)")

// errUnresolved is a host name the resolver had no address for.
var errUnresolved = errors.New("the host name does not resolve")

// refusedHost is a host the policy refuses; detail says why, e.g.
// "0x7f000001 is 127.0.0.1".
type refusedHost struct{ detail string }

func (e *refusedHost) Error() string { return errPrivateHost.Error() + ": " + e.detail }
func (e *refusedHost) Unwrap() error { return errPrivateHost }

// Resolver looks up host names; *net.Resolver is one. Options.Resolver
// replaces net.DefaultResolver, e.g. in tests that need a name to resolve
// to loopback.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// hostPolicy decides which hosts webhooks may reach.
type hostPolicy struct{ resolver Resolver }

func newHostPolicy(r Resolver) hostPolicy {
	if r == nil {
		r = net.DefaultResolver
	}
	return hostPolicy{resolver: r}
}

// check returns the addresses host stands for if every one of them is
// public. A refusal wraps errPrivateHost (as a *refusedHost); a name without
// addresses wraps errUnresolved.
func (p hostPolicy) check(ctx context.Context, host string) ([]netip.Addr, error) {
	name, err := canonicalHost(host)
	if err != nil {
		return nil, err
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return nil, &refusedHost{name + " is this machine"}
	}
	addrs, err := p.addresses(ctx, name)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if why := nonPublic(a); why != "" {
			return nil, &refusedHost{describe(host, a) + ", " + why}
		}
	}
	return addrs, nil
}

// addresses reads an address literal (in any form inet_aton accepts) or
// resolves a name.
func (p hostPolicy) addresses(ctx context.Context, name string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(name); err == nil {
		return []netip.Addr{a}, nil
	}
	if a, numeric, err := inetAton(name); numeric {
		if err != nil {
			return nil, &refusedHost{fmt.Sprintf("%s ends in a number but is not an IPv4 address", name)}
		}
		return []netip.Addr{a}, nil
	}
	addrs, err := p.resolver.LookupNetIP(ctx, "ip", name)
	if err == nil && len(addrs) == 0 {
		err = errors.New("no addresses")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnresolved, err)
	}
	return addrs, nil
}

// describe names an address with the host it was read from, if they differ.
func describe(host string, a netip.Addr) string {
	if host == a.String() {
		return host
	}
	return host + " is " + a.String()
}

// canonicalHost lowercases host, drops the root's full stop and maps a
// non-ASCII name through UTS-46 as net/http does before dialling.
func canonicalHost(host string) (string, error) {
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if isASCII(name) {
		return name, nil
	}
	ascii, err := idna.Lookup.ToASCII(name)
	if err != nil {
		return "", &refusedHost{fmt.Sprintf("%q is not a valid host name", host)}
	}
	return strings.TrimSuffix(strings.ToLower(ascii), "."), nil
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// inetAton parses the IPv4 forms of inet_aton(3): one to four parts,
// each decimal, octal (leading 0) or hexadecimal (0x), the last filling the
// remaining bytes ("127.1" is 127.0.0.1, "2130706433" is 127.0.0.1).
// numeric says whether name ends in a number and so is meant as an address
// at all (the WHATWG URL rule); such a name that does not parse is an error.
func inetAton(name string) (addr netip.Addr, numeric bool, err error) {
	parts := strings.Split(name, ".")
	if !isNumber(parts[len(parts)-1]) {
		return netip.Addr{}, false, nil
	}
	if len(parts) > 4 {
		return netip.Addr{}, true, errors.New("too many parts")
	}
	var v uint64
	for i, part := range parts {
		n, err := parseAtonPart(part)
		if err != nil {
			return netip.Addr{}, true, err
		}
		bits := 8
		if i == len(parts)-1 {
			bits = 8 * (5 - len(parts))
		}
		if n >= 1<<bits {
			return netip.Addr{}, true, errors.New("part out of range")
		}
		v = v<<bits | n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true, nil
}

// isNumber reports whether a label is a number to inet_aton: decimal
// digits, or 0x followed by hexadecimal digits.
func isNumber(label string) bool {
	if hex, ok := cutHexPrefix(label); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return label != "" && strings.Trim(label, "0123456789") == ""
}

func cutHexPrefix(s string) (string, bool) {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		return s[2:], true
	}
	return s, false
}

func parseAtonPart(part string) (uint64, error) {
	if hex, ok := cutHexPrefix(part); ok {
		if hex == "" {
			return 0, nil
		}
		return strconv.ParseUint(hex, 16, 32)
	}
	if len(part) > 1 && part[0] == '0' {
		return strconv.ParseUint(part[1:], 8, 32)
	}
	return strconv.ParseUint(part, 10, 32)
}

// nonPublic says why a is not a public unicast address, or "".
func nonPublic(a netip.Addr) string {
	if a.Zone() != "" {
		return "a scoped address"
	}
	a = a.Unmap()
	for _, r := range reservedRanges {
		if r.prefix.Contains(a) {
			return r.what + " (" + r.prefix.String() + ")"
		}
	}
	for _, v4 := range embeddedIPv4(a) {
		if why := nonPublic(v4); why != "" {
			return "which embeds " + v4.String() + ", " + why
		}
	}
	if a.Is6() && !globalUnicast6.Contains(a) && !nat64.Contains(a) {
		return "outside the IPv6 global unicast space (2000::/3)"
	}
	return ""
}

// embeddedIPv4 returns the IPv4 addresses an IPv6 address of a translation
// or tunnelling prefix leads to: packets to it reach those.
func embeddedIPv4(a netip.Addr) []netip.Addr {
	if !a.Is6() {
		return nil
	}
	b := a.As16()
	v4 := func(i int) netip.Addr { return netip.AddrFrom4([4]byte(b[i : i+4])) }
	switch {
	case nat64.Contains(a):
		return []netip.Addr{v4(12)}
	case sixToFour.Contains(a):
		return []netip.Addr{v4(2)}
	case teredo.Contains(a):
		client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
		return []netip.Addr{v4(4), netip.AddrFrom4(client)}
	}
	return nil
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	teredo    = netip.MustParsePrefix("2001::/32")
)

type reservedRange struct {
	prefix netip.Prefix
	what   string
}

func reserved(prefix, what string) reservedRange {
	return reservedRange{netip.MustParsePrefix(prefix), what}
}

// reservedRanges are the special-purpose ranges of the IANA IPv4 and IPv6
// registries (RFC 6890 and successors) that are not globally reachable, and
// those that are deprecated.
var reservedRanges = []reservedRange{
	reserved("0.0.0.0/8", `a "this network" address`),
	reserved("10.0.0.0/8", "a private address"),
	reserved("100.64.0.0/10", "a carrier-grade NAT address"),
	reserved("127.0.0.0/8", "a loopback address"),
	reserved("169.254.0.0/16", "a link-local address"),
	reserved("172.16.0.0/12", "a private address"),
	reserved("192.0.0.0/24", "an IETF protocol address"),
	reserved("192.0.2.0/24", "a documentation address"),
	reserved("192.88.99.0/24", "a deprecated 6to4 relay address"),
	reserved("192.168.0.0/16", "a private address"),
	reserved("198.18.0.0/15", "a benchmarking address"),
	reserved("198.51.100.0/24", "a documentation address"),
	reserved("203.0.113.0/24", "a documentation address"),
	reserved("224.0.0.0/4", "a multicast address"),
	reserved("240.0.0.0/4", "a reserved address"), // with 255.255.255.255
	reserved("::/128", "the unspecified address"),
	reserved("::1/128", "the loopback address"),
	reserved("::/96", "a deprecated IPv4-compatible address"),
	reserved("64:ff9b:1::/48", "a local-use NAT64 address"),
	reserved("100::/64", "a discard address"),
	reserved("2001:2::/48", "a benchmarking address"),
	reserved("2001:10::/28", "a deprecated ORCHID address"),
	reserved("2001:20::/28", "an ORCHIDv2 address"),
	reserved("2001:db8::/32", "a documentation address"),
	reserved("3fff::/20", "a documentation address"),
	reserved("5f00::/16", "a segment-routing address"),
	reserved("fc00::/7", "a unique-local address"),
	reserved("fe80::/10", "a link-local address"),
	reserved("fec0::/10", "a deprecated site-local address"),
	reserved("ff00::/8", "a multicast address"),
}

// globalUnicast6 is the only IPv6 space allocated for global unicast; the
// rest is reserved (NAT64's 64:ff9b::/96, outside it, is judged by the
// IPv4 address it embeds).
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// subscriptionProblem says why a subscription to host is refused, or "".
// A name that does not resolve (yet) is accepted: it reaches nothing, the
// receiver's DNS is often set up after the subscription, and the same check
// runs again at every dial.
func (p hostPolicy) subscriptionProblem(ctx context.Context, host string) string {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	_, err := p.check(ctx, host)
	var refused *refusedHost
	if errors.As(err, &refused) {
		return fmt.Sprintf("must not point inside the network (%s); receivers there need --webhook-private", refused.detail)
	}
	return ""
}

// lookupTimeout bounds the DNS lookup of a subscription's host, which runs
// while the API request waits.
const lookupTimeout = 5 * time.Second

// publicOnlyDialer dials only hosts the policy allows, except the proxies
// the environment names (a proxy inside the network is the usual way out).
type publicOnlyDialer struct {
	dialer  net.Dialer
	policy  hostPolicy
	proxies map[string]bool // host:port of HTTP(S)_PROXY
}

func newPublicOnlyDialer(r Resolver) *publicOnlyDialer {
	d := &publicOnlyDialer{policy: newHostPolicy(r), proxies: map[string]bool{}}
	for _, target := range []string{"http://example.com", "https://example.com"} {
		req, _ := http.NewRequest(http.MethodPost, target, nil)
		if p, err := http.ProxyFromEnvironment(req); err == nil && p != nil {
			d.proxies[canonicalHostPort(p)] = true
		}
	}
	return d
}

// install makes t dial through d, and check the target of a request that
// goes through a proxy before handing it to the proxy, which connects on
// its own. A name this machine cannot resolve is left to the proxy: behind
// one, often only the proxy can.
func (d *publicOnlyDialer) install(t *http.Transport) {
	t.DialContext = d.DialContext
	proxy := t.Proxy
	if proxy == nil {
		return
	}
	t.Proxy = func(req *http.Request) (*url.URL, error) {
		p, err := proxy(req)
		if err != nil || p == nil {
			return p, err
		}
		if _, err := d.policy.check(req.Context(), req.URL.Hostname()); errors.Is(err, errPrivateHost) {
			return nil, fmt.Errorf("%s: %w", req.URL.Hostname(), err)
		}
		return p, nil
	}
}

func canonicalHostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "socks5": "1080"}[u.Scheme]
		if port == "" {
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// DialContext checks addr's host with the policy and dials the addresses
// it checked, so the answer that was checked is the one connected to.
func (d *publicOnlyDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.proxies[addr] {
		return d.dialer.DialContext(ctx, network, addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, err := d.policy.check(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", host, err)
	}
	var lastErr error
	for _, a := range addrs {
		conn, err := d.dialer.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("%s: %w", host, lastErr)
}
