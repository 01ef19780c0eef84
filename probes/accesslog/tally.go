package accesslog

import (
	"bytes"
	"hash/maphash"
	"time"

	"ngx502/probes/logfile"
)

// tally accumulates lines into a Summary's counts. Its line method is the
// hot path: it allocates nothing unless a line opens a new group or address.
type tally struct {
	f        *Format
	since    time.Time
	recent   time.Duration
	clock    clock
	v        fields
	key      []byte // scratch for group keys
	buf      []byte // the read buffer, reused across files
	requests int
	own      int
	bad      int
	badLine  []byte
	classes  [6]int
	grouped  int
	newest   time.Time
	reqs     recentCounter
	fails    recentCounter
	minutes  logfile.Minutes // 5xx per minute, for when it began
	groups   *groupTable
	ups      *upstreamTable
	seed     maphash.Seed // shared by the tables of tallies that merge
}

// newTally returns an empty tally for format f.
func newTally(f *Format, since time.Time, recent time.Duration, maxGroups, maxUpstreams int, seed maphash.Seed) *tally {
	return &tally{f: f, since: since, recent: recent, seed: seed,
		reqs: newRecentCounter(recent), fails: newRecentCounter(recent),
		groups: newGroupTable(maxGroups, recent, seed), ups: newUpstreamTable(maxUpstreams, seed)}
}

// line counts one line; marked says it holds ngx502's marker somewhere.
func (t *tally) line(line []byte, marked bool) {
	f, v := t.f, &t.v
	pos, ok := f.splitLead(line)
	var tm time.Time
	hasTime := f.timeAt >= 0
	if ok && hasTime {
		// the time first: a line before since costs no more than this
		if pos, ok = f.split(line, v, 0, int(f.timeAt)+1, pos); ok {
			tm, ok = t.clock.parse(f.toks[f.timeAt].role, f.get(line, v, f.toks[f.timeAt].role))
		}
		if ok && !t.since.IsZero() && tm.Before(t.since) {
			return
		}
		if ok {
			_, ok = f.split(line, v, int(f.timeAt)+1, len(f.toks), pos)
		}
	} else if ok {
		_, ok = f.split(line, v, 0, len(f.toks), pos)
	}
	status := 0
	if ok && f.roles[roleStatus] >= 0 {
		status, ok = num(f.get(line, v, roleStatus))
		ok = ok && status <= 999
	}
	if !ok {
		t.countBad(line)
		return
	}
	if marked && t.isOwn(line) {
		t.own++
		return
	}
	t.requests++
	if c := status / 100; c >= 1 && c <= 5 {
		t.classes[c]++
	} else {
		t.classes[0]++
	}
	if hasTime {
		sec := tm.Unix()
		t.reqs.add(sec)
		if status >= 500 {
			t.fails.add(sec)
			t.minutes.Add(tm)
		}
		if tm.After(t.newest) {
			t.newest = tm
		}
	}
	lastAddr, lastStatus := t.attempts(line, status, tm)
	if status >= 500 || status < 100 && f.roles[roleStatus] >= 0 {
		t.failed(line, status, lastAddr, lastStatus, tm, hasTime)
	}
}

// attempts counts each upstream attempt of the line and returns the last
// address and its status item (nil when none was asked).
func (t *tally) attempts(line []byte, status int, tm time.Time) (lastAddr, lastStatus []byte) {
	f, v := t.f, &t.v
	addrs := f.get(line, v, roleUpAddr)
	if len(addrs) == 0 || isDash(addrs) {
		return nil, nil
	}
	stats := f.get(line, v, roleUpStatus)
	for pa, ps, n := 0, 0, 0; pa < len(addrs) && n < maxItems; n++ {
		var a, s []byte
		a, pa = nextItem(addrs, pa)
		if ps < len(stats) {
			s, ps = nextItem(stats, ps)
		} else {
			s = nil
		}
		lastAddr, lastStatus = a, s
		if len(a) == 0 || isDash(a) {
			continue
		}
		last := pa >= len(addrs)
		st, known := num(s)
		var failed bool
		switch {
		case known:
			failed = st >= 500
		case stats == nil:
			// no $upstream_status: an earlier attempt was retried because it
			// failed; the last one failed if the client got a 5xx
			failed = !last || status >= 500
		}
		t.ups.attempt(a, failed, failed && !last && status < 500 && status >= 100, tm)
	}
	if isDash(lastAddr) {
		lastAddr = nil
	}
	return lastAddr, lastStatus
}

// failed counts a failed response into its group.
func (t *tally) failed(line []byte, status int, addr, ustatB []byte, tm time.Time, hasTime bool) {
	f, v := t.f, &t.v
	ustat, _ := num(ustatB)
	h := groupHit{addr: addr, status: status, ustat: ustat, time: tm, hasTime: hasTime, requestTime: -1, line: line}
	h.origin = f.origin(status, addr != nil, ustat, lastItem(f.get(line, v, roleUpHeaderTime)))
	if rt := f.get(line, v, roleReqTime); rt != nil {
		if d, ok := parseSeconds(rt); ok {
			h.requestTime = d
		}
	}
	t.key = groupKey(t.key, addr, status, ustat, h.origin)
	h.key = t.key
	t.groups.add(&h)
	t.grouped++
}

// origin says who made status: see Origin. uht is the last item of
// $upstream_header_time.
func (f *Format) origin(status int, upstream bool, ustat int, uht []byte) Origin {
	switch {
	case f.roles[roleUpAddr] < 0:
		return OriginUnknown
	case !upstream:
		return OriginNginx
	case f.roles[roleUpStatus] < 0:
		return OriginUnknown
	case ustat != status:
		return OriginNginx // nginx turned the upstream's answer into another status
	case f.roles[roleUpHeaderTime] < 0:
		return OriginUnknown
	case len(uht) == 0 || isDash(uht):
		return OriginNginx // no response header arrived: the 502/504 is nginx's
	}
	return OriginApp
}

// isOwn reports whether a marked line is ngx502's own request: the marker
// in the request (or its URI or args) or the User-Agent, not elsewhere.
func (t *tally) isOwn(line []byte) bool {
	f, v := t.f, &t.v
	in := false
	for _, r := range [...]role{roleRequest, roleRequestURI, roleArgs} {
		if b := f.get(line, v, r); b != nil {
			in = true
			if bytes.Contains(b, []byte(logfile.ProbeMarker)) {
				return true
			}
		}
	}
	if ua := f.get(line, v, roleUserAgent); ua != nil {
		return bytes.Contains(ua, []byte(logfile.ProbeUserAgent))
	}
	return !in // the format logs neither: trust the mark anywhere
}

// countBad counts a line that does not match the format.
func (t *tally) countBad(line []byte) {
	t.bad++
	if t.badLine == nil {
		t.badLine = append([]byte{}, line[:min(len(line), maxBadSample)]...)
	}
}

// summary freezes the tally into s.
func (t *tally) summary(s Summary) Summary {
	s.Requests, s.Own, s.Bad, s.Classes, s.Grouped = t.requests, t.own, t.bad, t.classes, t.grouped
	s.BadSample = string(t.badLine)
	s.Newest = t.newest
	s.Minutes5xx = t.minutes
	var from int64
	if !t.newest.IsZero() {
		s.RecentFrom = t.newest.Add(-t.recent).Truncate(time.Second)
		from = s.RecentFrom.Unix()
		if t.recent > 0 {
			s.RecentRequests, s.RecentFailed = t.reqs.count(from), t.fails.count(from)
		}
	}
	s.Groups = t.groups.groups(t.f, from)
	if t.recent <= 0 || t.newest.IsZero() {
		for i := range s.Groups {
			s.Groups[i].RecentCount = 0
		}
	}
	s.Overflow = t.groups.over
	s.Upstreams, s.OtherUpstreams = t.ups.upstreams(), t.ups.other
	return s
}
