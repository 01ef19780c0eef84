package errlog

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ngx502/probes/logfile"
)

// TestSummarizeDropsOwnRequests: entries of ngx502's own probes through
// nginx (request carries logfile.ProbeMarker) are counted in Own only.
func TestSummarizeDropsOwnRequests(t *testing.T) {
	path := filepath.Join(t.TempDir(), "error.log")
	own := strings.Replace(refused("2026/11/25 12:44:02", "a"), "GET /refused HTTP/1.1",
		"GET /refused?"+logfile.ProbeMarker+"3f2a1c HTTP/1.0", 1)
	writeLog(t, path, time.Now(),
		refused("2026/11/25 12:44:01", "a"),
		own,
		own,
		// the marker elsewhere than the request is someone else's text
		strings.Replace(refused("2026/11/25 12:44:03", "a"), `host: "127.0.0.1:18080"`, `host: "ngx502-probe=x"`, 1))
	s := Summarize(context.Background(), []string{path}, time.Time{}, time.UTC)
	eq(t, s.Own, 2)
	eq(t, s.Entries, 2)
	eq(t, s.Upstream, 2)
	eq(t, s.Files[0].Entries, 2)
	if len(s.Groups) != 1 || s.Groups[0].Count != 2 || s.Groups[0].Last != at(12, 44, 3) {
		t.Fatalf("groups = %+v", s.Groups)
	}
}
