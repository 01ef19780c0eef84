package accesslog

import (
	"hash/maphash"
	"time"
)

// MaxUpstreams bounds Summary.Upstreams; the addresses beyond it (the
// least requested and failed) are summed in Summary.OtherUpstreams.
const MaxUpstreams = 1000

// Upstream counts the attempts nginx made to one upstream address, as
// $upstream_addr logs it: "10.0.0.5:8080", "unix:/run/app.sock", or an
// upstream{} name for "no live upstreams".
type Upstream struct {
	Addr     string
	Requests int // attempts sent to Addr (a request retried on two servers is one attempt at each)
	Failed   int // attempts that got a 5xx in $upstream_status, from the upstream or from nginx
	// Retried: failed attempts after which a later attempt's answer
	// reached the client with a status below 500 — failures a retry hid.
	Retried    int
	LastFailed time.Time // newest failed attempt; zero when none
	Restarted  bool      // evicted into OtherUpstreams before: the counts cover only the time since it came back
}

// OtherUpstreams sums the addresses evicted to keep Upstreams bounded.
type OtherUpstreams struct {
	Evictions                 int // addresses evicted (one evicted twice counts twice)
	Requests, Failed, Retried int
}

// upstreamTable is the bounded table of addresses and its overflow.
type upstreamTable struct {
	t     *table[Upstream]
	other OtherUpstreams
}

// newUpstreamTable returns an empty table of at most limit addresses.
func newUpstreamTable(limit int, seed maphash.Seed) *upstreamTable {
	return &upstreamTable{t: newTable[Upstream](limit, seed)}
}

// fold adds an evicted address to the overflow.
func (u *upstreamTable) fold(s *slot[Upstream]) {
	u.other.Evictions++
	u.other.Requests += s.val.Requests
	u.other.Failed += s.val.Failed
	u.other.Retried += s.val.Retried
}

// attempt counts one attempt to addr at t; failed when its status is
// 5xx, retried when the request was answered below 500 by a later one.
func (u *upstreamTable) attempt(addr []byte, failed, retried bool, t time.Time) {
	s, fresh := u.t.get(addr, u.fold)
	if fresh {
		s.val = Upstream{Addr: s.key, Restarted: s.restarted}
	}
	a := &s.val
	a.Requests++
	if failed {
		a.Failed++
		if t.After(a.LastFailed) {
			a.LastFailed = t
		}
		if retried {
			a.Retried++
		}
	}
	u.touched(s)
}

// touched reweighs an address: failing ones outweigh busy healthy ones
// when the table is full.
func (u *upstreamTable) touched(s *slot[Upstream]) {
	u.t.touched(s, int64(s.val.Requests+s.val.Failed), s.val.LastFailed.Unix())
}

// merge adds the addresses of o, a table of later lines, into u.
func (u *upstreamTable) merge(o *upstreamTable) {
	u.t.absorb(o.t)
	for _, src := range o.t.heap {
		b := src.val
		s, fresh := u.t.get([]byte(src.key), u.fold)
		if fresh {
			s.val = b
			s.val.Addr = s.key
			s.val.Restarted = s.restarted || b.Restarted
		} else {
			a := &s.val
			a.Requests += b.Requests
			a.Failed += b.Failed
			a.Retried += b.Retried
			if b.LastFailed.After(a.LastFailed) {
				a.LastFailed = b.LastFailed
			}
			a.Restarted = a.Restarted || b.Restarted
		}
		u.touched(s)
	}
	u.other.Evictions += o.other.Evictions
	u.other.Requests += o.other.Requests
	u.other.Failed += o.other.Failed
	u.other.Retried += o.other.Retried
}

// upstreams freezes the table: heaviest first.
func (u *upstreamTable) upstreams() []Upstream {
	var out []Upstream
	for _, s := range u.t.entries() {
		out = append(out, s.val)
	}
	return out
}
