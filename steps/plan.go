package steps

// Needs lists the steps a step waits for: step 2 probes first what nginx
// logged failing (so a deadline cuts the others, not those), and step 5
// plans from steps 1–4. The wizard and the report both schedule by it.
func Needs(id ID) []ID {
	switch id {
	case Upstream:
		return []ID{Logs}
	case Restart:
		return []ID{Logs, Upstream, Config, Network}
	}
	return nil
}

// Ready lists, in triage order, the steps that may start now: not started
// yet, and every step they need done.
func Ready(started, done map[ID]bool) []ID {
	var out []ID
	for _, s := range All() {
		if started[s.ID] {
			continue
		}
		ok := true
		for _, n := range Needs(s.ID) {
			ok = ok && done[n]
		}
		if ok {
			out = append(out, s.ID)
		}
	}
	return out
}

// priorOf picks the outcomes a step needs from those done.
func priorOf(id ID, done map[ID]Outcome) []Outcome {
	var out []Outcome
	for _, n := range Needs(id) {
		if o, ok := done[n]; ok {
			out = append(out, o)
		}
	}
	return out
}
