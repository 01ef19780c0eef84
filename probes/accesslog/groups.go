package accesslog

import (
	"hash/maphash"
	"slices"
	"time"
)

// MaxGroups bounds Summary.Groups: any client can make nginx log a new
// upstream address per request (proxy_pass http://$host), so the table
// keeps the busiest and folds the rest into Summary.Overflow.
const MaxGroups = 1000

// maxExamples bounds Overflow.Examples.
const maxExamples = 5

// Origin says who made a response's status.
type Origin uint8

// Who made the status the client got.
const (
	// OriginUnknown: the format cannot tell. nginx records its own 502/504
	// in $upstream_status too, so only $upstream_header_time (a time: the
	// upstream's response header arrived) tells the application's apart.
	OriginUnknown Origin = iota
	// OriginNginx: nginx made it — no upstream was asked, none answered
	// (connect refused, timeout, invalid header), or nginx changed it.
	OriginNginx
	// OriginApp: the upstream sent this status itself and nginx passed it on.
	OriginApp
)

// String names the origin.
func (o Origin) String() string {
	switch o {
	case OriginNginx:
		return "nginx"
	case OriginApp:
		return "app"
	}
	return "unknown"
}

// Group counts the failed responses (status 5xx, or nginx's 009 relay of
// a non-HTTP answer) of one upstream address, status, upstream status
// and origin.
type Group struct {
	Addr           string // the upstream that gave the final answer (last of $upstream_addr); "" when none was asked
	Status         int    // status the client got
	UpstreamStatus int    // last item of $upstream_status; 0 when none
	Origin         Origin
	AppOwn         bool          // Origin == OriginApp: the application itself answered this status, not nginx
	Count          int           // responses since the group last entered the table (see Restarted)
	RecentCount    int           // of Count, those at or after Summary.RecentFrom
	First, Last    time.Time     // oldest and newest counted
	MaxRequestTime time.Duration // longest $request_time among them; -1 when not logged
	Sample         Record        // the most recent response (raw client bytes: sanitise before display)
	// Restarted: the group was evicted into Overflow before and came
	// back, so Count and First cover only the responses since.
	Restarted bool
}

// Overflow sums the groups evicted to keep Groups within MaxGroups.
type Overflow struct {
	Count       int       // responses of the evicted groups
	Evictions   int       // groups evicted (one evicted twice counts twice)
	First, Last time.Time // oldest and newest of them
	Examples    []string  // up to 5 evicted addresses, the heaviest first
}

// groupAcc is a Group being built.
type groupAcc struct {
	Group
	recent recentCounter
	sample []byte // the raw line of Sample, parsed at the end
}

// groupTable is the bounded table of groups and its overflow.
type groupTable struct {
	t      *table[groupAcc]
	over   Overflow
	exWt   []int // weights of over.Examples
	recent time.Duration
}

// newGroupTable returns an empty table of at most limit groups.
func newGroupTable(limit int, recent time.Duration, seed maphash.Seed) *groupTable {
	return &groupTable{t: newTable[groupAcc](limit, seed), recent: recent}
}

// fold adds an evicted group to the overflow.
func (g *groupTable) fold(s *slot[groupAcc]) {
	a := &s.val
	o := &g.over
	if o.Evictions == 0 || a.First.Before(o.First) {
		o.First = a.First
	}
	if a.Last.After(o.Last) {
		o.Last = a.Last
	}
	o.Count += a.Count
	o.Evictions++
	g.addExample(a.Addr, a.Count)
}

// addExample keeps the maxExamples heaviest distinct evicted addresses.
func (g *groupTable) addExample(addr string, weight int) {
	o := &g.over
	if addr == "" {
		return
	}
	if i := slices.Index(o.Examples, addr); i >= 0 {
		if g.exWt[i] >= weight {
			return
		}
		o.Examples, g.exWt = slices.Delete(o.Examples, i, i+1), slices.Delete(g.exWt, i, i+1)
	}
	i := 0
	for i < len(g.exWt) && g.exWt[i] >= weight {
		i++
	}
	if i < maxExamples {
		o.Examples, g.exWt = slices.Insert(o.Examples, i, addr), slices.Insert(g.exWt, i, weight)
		o.Examples, g.exWt = o.Examples[:min(len(o.Examples), maxExamples)], g.exWt[:min(len(g.exWt), maxExamples)]
	}
}

// groupHit is one failed response to count.
type groupHit struct {
	key           []byte // addr, status, upstream status, origin: see groupKey
	addr          []byte
	status, ustat int
	origin        Origin
	time          time.Time
	hasTime       bool
	requestTime   time.Duration
	line          []byte
}

// groupKey builds the table key of a hit into buf.
func groupKey(buf, addr []byte, status, ustat int, o Origin) []byte {
	buf = append(buf[:0], addr...)
	return append(buf, 0, byte(status>>8), byte(status), byte(ustat>>8), byte(ustat), byte(o))
}

// add counts a hit.
func (g *groupTable) add(h *groupHit) {
	s, fresh := g.t.get(h.key, g.fold)
	if fresh {
		s.val = groupAcc{Group: Group{Addr: string(h.addr), Status: h.status, UpstreamStatus: h.ustat,
			Origin: h.origin, AppOwn: h.origin == OriginApp, First: h.time, Restarted: s.restarted, MaxRequestTime: -1},
			recent: newRecentCounter(g.recent)}
	}
	a := &s.val
	a.Count++
	if h.time.Before(a.First) {
		a.First = h.time
	}
	if !h.time.Before(a.Last) {
		a.Last = h.time
		a.sample = append(a.sample[:0], h.line...)
	}
	if h.hasTime {
		a.recent.add(h.time.Unix())
	}
	a.MaxRequestTime = max(a.MaxRequestTime, h.requestTime)
	g.t.touched(s, int64(a.Count), a.Last.Unix())
}

// groups freezes the table: Count desc, then Last desc.
func (g *groupTable) groups(f *Format, recentFrom int64) []Group {
	var out []Group
	for _, s := range g.t.entries() {
		grp := s.val.Group
		grp.RecentCount = s.val.recent.count(recentFrom)
		if r, ok := f.ParseLine(s.val.sample); ok {
			grp.Sample = r
		}
		out = append(out, grp)
	}
	return out
}

// merge adds the groups of o, a table of later lines, into g.
func (g *groupTable) merge(o *groupTable) {
	g.t.absorb(o.t)
	for _, src := range o.t.heap {
		b := &src.val
		s, fresh := g.t.get([]byte(src.key), g.fold)
		if fresh {
			s.val = *b
			s.val.Restarted = s.restarted || b.Restarted
			g.t.touched(s, int64(b.Count), b.Last.Unix())
			continue
		}
		a := &s.val
		a.Count += b.Count
		if b.First.Before(a.First) {
			a.First = b.First
		}
		if !b.Last.Before(a.Last) {
			a.Last, a.sample = b.Last, b.sample
		}
		a.MaxRequestTime = max(a.MaxRequestTime, b.MaxRequestTime)
		a.Restarted = a.Restarted || b.Restarted
		a.recent.merge(&b.recent)
		g.t.touched(s, int64(a.Count), a.Last.Unix())
	}
	ov := &o.over
	if ov.Evictions == 0 {
		return
	}
	if g.over.Evictions == 0 || ov.First.Before(g.over.First) {
		g.over.First = ov.First
	}
	if ov.Last.After(g.over.Last) {
		g.over.Last = ov.Last
	}
	g.over.Count += ov.Count
	g.over.Evictions += ov.Evictions
	for i, addr := range ov.Examples {
		g.addExample(addr, o.exWt[i])
	}
}
