package errlog

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Shape of the many-peers log: what `proxy_pass http://$host` writes when
// clients send random Host headers, with one real backend failing in it.
const (
	junkPeers = 200_000          // distinct peers, one refused connect each
	realPeer  = "127.0.0.1:8080" // the backend that is really down
	realLines = 5_000            // its refusals, spread evenly through the file
	realEvery = (junkPeers + realLines) / realLines
)

// manyPeersLog describes a generated log.
type manyPeersLog struct {
	path  string
	lines int   // entries written, all upstream-refused
	size  int64 // bytes
}

// writeManyPeersLog writes the many-peers log (about 50 MB) into a fresh
// temporary directory: real nginx lines, a clock advancing 1 s per 50 lines.
func writeManyPeersLog(tb testing.TB) manyPeersLog {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "error.log")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	junk := 0
	total := junkPeers + realLines
	for i := range total {
		ts := t0.Add(time.Duration(i/50) * time.Second).Format("2006/01/02 15:04:05")
		if i%realEvery == 0 {
			fmt.Fprintf(w, `%s [error] 123#123: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: "GET /api/v1/items/%06d HTTP/1.1", upstream: "http://%s/api/v1/items/%06d", host: "app.example"`+"\n",
				ts, i, i, realPeer, i)
			continue
		}
		fmt.Fprintf(w, `%s [error] 123#123: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: "GET /api/v1/items/%06d HTTP/1.1", upstream: "http://10.%d.%d.%d:80/api/v1/items/%06d", host: "h%d.example"`+"\n",
			ts, i, i, junk>>16, junk>>8&255, junk&255, i, junk)
		junk++
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	if junk != junkPeers {
		tb.Fatalf("wrote %d junk peers, want %d", junk, junkPeers)
	}
	info, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return manyPeersLog{path: path, lines: total, size: info.Size()}
}

// TestSummarizeManyPeers: 200,000 one-off peers cannot push out the one
// real failing backend, the table stays within MaxGroups and every entry
// is accounted for in Groups or Overflow.
func TestSummarizeManyPeers(t *testing.T) {
	log := writeManyPeersLog(t)
	s := Summarize(context.Background(), []string{log.path}, time.Time{}, time.UTC)
	eq(t, s.Entries, log.lines)
	eq(t, s.Upstream, log.lines)
	if len(s.Groups) > MaxGroups {
		t.Fatalf("groups = %d, want <= %d", len(s.Groups), MaxGroups)
	}
	eq(t, len(s.Groups), MaxGroups)
	g := s.Groups[0]
	eq(t, g.Peer, realPeer)
	eq(t, g.Kind, KindRefused)
	eq(t, g.Count, realLines)
	eq(t, g.Restarted, false)
	eq(t, g.First, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	eq(t, g.Sample.Host, "app.example")
	total := 0
	for _, g := range s.Groups {
		total += g.Count
		if g.Peer != realPeer && (g.Count != 1 || g.Restarted) {
			t.Fatalf("junk group %+v", g)
		}
	}
	if len(s.Overflow) != 1 {
		t.Fatalf("overflow = %+v", s.Overflow)
	}
	o := s.Overflow[0]
	total += o.Entries
	eq(t, total, log.lines) // exact: nothing lost, nothing counted twice
	eq(t, o.Kind, KindRefused)
	evicted := junkPeers - (MaxGroups - 1) // every junk peer but those still in the table
	eq(t, o.Evictions, evicted)
	eq(t, o.Entries, evicted)
	// 199,001 distinct peers overflow the 65,536-hash counter: "at least".
	eq(t, o.PeersAtLeast, true)
	eq(t, o.Peers, maxPeerHashes)
	eq(t, len(o.Examples), maxExamples)
	for _, p := range o.Examples {
		if p == realPeer || !strings.HasPrefix(p, "10.") {
			t.Errorf("example %q is not a junk peer", p)
		}
	}
	t.Logf("%d groups; overflow: %d entries, at least %d of %d evicted peers, e.g. %s",
		len(s.Groups), o.Entries, o.Peers, o.Evictions, strings.Join(o.Examples, " "))
}
