package errlog

import "testing"

// TestFindKnowsEveryMarker: find's inlined comparisons recognise each
// markerText, and only at a comma followed by the whole text.
func TestFindKnowsEveryMarker(t *testing.T) {
	for id := range nMarkers {
		txt := markerText(id)
		for _, body := range []string{"msg" + txt + "v", "msg" + txt, "a, b" + txt + "v, c"} {
			var buf [8]mark
			ms := find(body, buf[:])
			if pos, end := ms.last(id, len(body)); pos < 0 || body[pos:end] != txt {
				t.Fatalf("%q: marker %d at %d..%d, want %q", body, id, pos, end, txt)
			}
		}
		var buf [8]mark
		if cut := "msg" + txt[:len(txt)-1]; find(cut, buf[:]).lastOf[id] != 0 {
			t.Fatalf("%q: marker %d found in a cut text", cut, id)
		}
	}
}
