package logfile

import (
	"strings"
	"testing"
)

func TestMarkerConstantsShareTheStem(t *testing.T) {
	if !strings.HasPrefix(ProbeMarker, markerStem) || !strings.HasPrefix(ProbeUserAgent, markerStem) ||
		len(ProbeMarker) != len(markerStem)+1 || len(ProbeUserAgent) != len(markerStem)+1 {
		t.Fatalf("NextMark searches %q then one byte; constants %q %q", markerStem, ProbeMarker, ProbeUserAgent)
	}
}

func TestNextMark(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{`127.0.0.1 - - [x] "GET /api/?ngx502-probe=3f2a1c HTTP/1.0" 502`, 29},
		{`"GET / HTTP/1.1" 200 "-" "ngx502-probe/run42"`, 26},
		{`"GET /ngx502-probe HTTP/1.1" 200 "-" "curl"`, -1}, // the stem alone is not the mark
		{`ngx502-probex ngx502-probe=`, 14},
		{`ngx502-probe`, -1},
		{``, -1},
		{`"GET /?a=1 HTTP/1.1" 200`, -1},
	} {
		if got := NextMark([]byte(c.in)); got != c.want {
			t.Errorf("NextMark(%q) = %d, want %d", c.in, got, c.want)
		}
		if Marked([]byte(c.in)) != (c.want >= 0) {
			t.Errorf("Marked(%q) disagrees with NextMark", c.in)
		}
	}
}
