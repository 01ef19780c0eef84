package errlog

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// refusedAt is a refused connect to peer at 12:00:sec for server srv.
func refusedAt(sec int, peer, srv string) string {
	return fmt.Sprintf(`2026/11/25 12:00:%02d [error] 7#7: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: %s, request: "GET / HTTP/1.1", upstream: "http://%s/", host: "x"`, sec, sec, srv, peer)
}

// timedOutAt is a header timeout of peer at 12:00:sec.
func timedOutAt(sec int, peer string) string {
	return fmt.Sprintf(`2026/11/25 12:00:%02d [error] 7#7: *%d upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: a, request: "GET /slow HTTP/1.1", upstream: "http://%s/slow", host: "x"`, sec, sec, peer)
}

// TestSummarizeEvicts walks a two-slot table through every eviction rule:
// the lightest group goes, the oldest among equals, a returning peer
// restarts its count, and each kind has its own overflow.
func TestSummarizeEvicts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "error.log")
	writeLog(t, path, time.Now(),
		refusedAt(1, "a:80", "s"),
		refusedAt(2, "a:80", "s"),
		refusedAt(3, "b:80", "s"),
		refusedAt(4, "c:80", "s"),  // evicts b (1 entry; a has 2)
		refusedAt(5, "d:80", "s"),  // evicts c
		refusedAt(6, "b:80", "s"),  // evicts d; b is back and restarts at 1
		refusedAt(7, "b:80", "s"),  // b 2, a 2
		refusedAt(8, "e:80", "s"),  // equal counts: evicts a, the older Last
		timedOutAt(9, "x:80"),      // evicts e
		refusedAt(10, "y:80", "s"), // evicts x (1 entry, older than b's 2)
	)
	s := summarize(context.Background(), []string{path}, nil, time.Time{}, time.UTC, 2)
	eq(t, s.Entries, 10)
	eq(t, s.Upstream, 10)
	if len(s.Groups) != 2 {
		t.Fatalf("groups = %+v", s.Groups)
	}
	b := s.Groups[0]
	eq(t, b.Peer, "b:80")
	eq(t, b.Count, 2)
	eq(t, b.Restarted, true)
	eq(t, b.First, time.Date(2026, 11, 25, 12, 0, 6, 0, time.UTC))
	eq(t, s.Groups[1].Peer, "y:80")
	eq(t, s.Groups[1].Restarted, false)

	if len(s.Overflow) != 2 {
		t.Fatalf("overflow = %+v", s.Overflow)
	}
	ref, tmo := s.Overflow[0], s.Overflow[1]
	eq(t, ref.Kind, KindRefused)
	eq(t, ref.Entries, 6)   // b, c, d, a (2), e
	eq(t, ref.Evictions, 5) // b, c, d, a, e
	eq(t, ref.Peers, 5)
	eq(t, ref.PeersAtLeast, false)
	eq(t, ref.First, time.Date(2026, 11, 25, 12, 0, 1, 0, time.UTC))
	eq(t, ref.Last, time.Date(2026, 11, 25, 12, 0, 8, 0, time.UTC))
	eq(t, strings.Join(ref.Examples, ","), "a:80,e:80,d:80,c:80,b:80")
	eq(t, tmo.Kind, KindTimeout)
	eq(t, tmo.Entries, 1)
	eq(t, strings.Join(tmo.Examples, ","), "x:80")

	total := 0
	for _, g := range s.Groups {
		total += g.Count
	}
	for _, o := range s.Overflow {
		total += o.Entries
	}
	eq(t, total, s.Upstream)
}

// TestSummarizeEvictedTwiceCountsOnePeer: a peer evicted, back and
// evicted again is one peer and two evictions.
func TestSummarizeEvictedTwiceCountsOnePeer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "error.log")
	writeLog(t, path, time.Now(),
		refusedAt(1, "a:80", "s"),
		refusedAt(2, "b:80", "s"), // evicts a
		refusedAt(3, "a:80", "s"), // evicts b; a restarts
		refusedAt(4, "b:80", "s"), // evicts a again
	)
	s := summarize(context.Background(), []string{path}, nil, time.Time{}, time.UTC, 1)
	if len(s.Groups) != 1 || len(s.Overflow) != 1 {
		t.Fatalf("groups %+v overflow %+v", s.Groups, s.Overflow)
	}
	eq(t, s.Groups[0].Peer, "b:80")
	eq(t, s.Groups[0].Restarted, true)
	o := s.Overflow[0]
	eq(t, o.Evictions, 3)
	eq(t, o.Peers, 2)
	eq(t, strings.Join(o.Examples, ","), "a:80,b:80") // a's latest eviction is the most recent
}

// TestSummarizeServersCapped: a group names its first eight servers and
// counts the others up to maxMoreServers.
func TestSummarizeServersCapped(t *testing.T) {
	var lines []string
	for round := range 2 { // every name twice: counted once
		for i := range 100 {
			lines = append(lines, refusedAt(round, "a:80", fmt.Sprintf("s%03d", 99-i)))
		}
	}
	path := filepath.Join(t.TempDir(), "error.log")
	writeLog(t, path, time.Now(), lines...)
	s := Summarize(context.Background(), []string{path}, time.Time{}, time.UTC)
	if len(s.Groups) != 1 {
		t.Fatalf("groups = %+v", s.Groups)
	}
	g := s.Groups[0]
	eq(t, g.Count, 200)
	eq(t, strings.Join(g.Servers, ","), "s092,s093,s094,s095,s096,s097,s098,s099")
	eq(t, g.MoreServers, maxMoreServers)

	path = filepath.Join(t.TempDir(), "few.log")
	writeLog(t, path, time.Now(), lines[:10]...)
	s = Summarize(context.Background(), []string{path}, time.Time{}, time.UTC)
	eq(t, len(s.Groups[0].Servers), 8)
	eq(t, s.Groups[0].MoreServers, 2)
}

// FuzzGroupTable drives a small table with any sequence of peers and kinds
// and checks what must hold at any size: the bound, exact totals, and exact
// counts for every group that was never evicted.
func FuzzGroupTable(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 3, 1, 1, 4, 17, 17, 0}, uint8(2))
	f.Add([]byte{1, 2, 1, 2, 1, 2}, uint8(0))
	f.Fuzz(func(t *testing.T, seq []byte, size uint8) {
		limit := int(size%8) + 1
		tab := newGroupTable(limit)
		want := map[groupKey]int{}
		t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		for i, b := range seq {
			peer := fmt.Sprintf("10.0.0.%d:80", b%16)
			k := KindRefused
			if b&16 != 0 {
				k = KindTimeout
			}
			e := Entry{Time: t0.Add(time.Duration(i/3) * time.Second), Message: "connect() failed", Upstream: "http://" + peer + "/"}
			tab.add(e, k)
			want[groupKey{peer, k}]++
		}
		for i := range tab.heap {
			if c := 2*i + 1; c < len(tab.heap) && evictBefore(tab.heap[c], tab.heap[i]) {
				t.Fatalf("heap order broken at %d", i)
			}
		}
		groups, over := tab.groups(), tab.over.overflows()
		if len(groups) > limit {
			t.Fatalf("%d groups, limit %d", len(groups), limit)
		}
		total := 0
		for _, g := range groups {
			total += g.Count
			if n := want[groupKey{g.Peer, g.Kind}]; g.Count < 1 || g.Count > n || !g.Restarted && g.Count != n {
				t.Fatalf("group %s %s: count %d of %d entries, restarted %v", g.Peer, g.Kind, g.Count, n, g.Restarted)
			}
		}
		for _, o := range over {
			total += o.Entries
			if o.Peers < 1 || o.Peers > o.Evictions || o.Entries < o.Evictions || len(o.Examples) > maxExamples {
				t.Fatalf("overflow %+v", o)
			}
		}
		if total != len(seq) {
			t.Fatalf("total %d, want %d", total, len(seq))
		}
	})
}
