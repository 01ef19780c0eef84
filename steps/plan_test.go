package steps

import (
	"slices"
	"testing"
)

func TestReadyFollowsNeeds(t *testing.T) {
	none := map[ID]bool{}
	if got := Ready(none, none); !slices.Equal(got, []ID{Logs, Config, Network}) {
		t.Errorf("at start: %v, want logs, config, network", got)
	}
	started := map[ID]bool{Logs: true, Config: true, Network: true}
	if got := Ready(started, map[ID]bool{Config: true}); len(got) != 0 {
		t.Errorf("step 2 must wait for step 1: %v", got)
	}
	if got := Ready(started, map[ID]bool{Logs: true}); !slices.Equal(got, []ID{Upstream}) {
		t.Errorf("after step 1: %v, want upstream", got)
	}
	started[Upstream] = true
	all := map[ID]bool{Logs: true, Upstream: true, Config: true, Network: true}
	if got := Ready(started, all); !slices.Equal(got, []ID{Restart}) {
		t.Errorf("after 1–4: %v, want restart", got)
	}
}
