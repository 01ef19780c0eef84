package nginx

import (
	"strconv"
	"strings"
)

// includeGraph holds the include edges crossplane has followed so far:
// including file → included file → how many times. crossplane rejects the
// whole configuration when its edges form a cycle ("configs contain include
// cycle"), so Load refuses the one edge that would close one and reports it.
type includeGraph map[string]map[string]int

func (g includeGraph) add(from, to string) {
	if g[from] == nil {
		g[from] = map[string]int{}
	}
	g[from][to]++
}

func (g includeGraph) remove(from, to string) {
	if n := g[from][to]; n > 1 {
		g[from][to] = n - 1
	} else {
		delete(g[from], to)
	}
}

// cycle reports whether from including to would close a cycle, with the
// chain of files from to back to from.
func (g includeGraph) cycle(from, to string) (includeCycle, bool) {
	if from == to {
		return includeCycle{from: from, chain: []string{to}}, true
	}
	if len(g[to]) == 0 { // not parsed yet: it includes nothing so far
		return includeCycle{}, false
	}
	// Breadth-first from to; parent records how each file was reached.
	parent := map[string]string{to: ""}
	queue := []string{to}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for next := range g[f] {
			if _, seen := parent[next]; seen {
				continue
			}
			parent[next] = f
			if next == from {
				var chain []string
				for at := from; at != ""; at = parent[at] {
					chain = append(chain, at)
				}
				for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
					chain[i], chain[j] = chain[j], chain[i]
				}
				return includeCycle{from: from, chain: chain}, true
			}
			queue = append(queue, next)
		}
	}
	return includeCycle{}, false
}

// includeCycle is an include that would close a cycle: from includes
// chain[0], which includes chain[1], …, which includes from again.
type includeCycle struct {
	from  string
	chain []string // ends with from; just [from] when a file includes itself
}

// message renders "include cycle: a.conf:3 includes b.conf, which includes
// a.conf"; name shortens paths, line is the include's (0 when unknown).
func (c includeCycle) message(name func(string) string, line int) string {
	var b strings.Builder
	b.WriteString("include cycle: ")
	b.WriteString(name(c.from))
	if line > 0 {
		b.WriteString(":" + strconv.Itoa(line))
	}
	if len(c.chain) == 1 && c.chain[0] == c.from {
		b.WriteString(" includes itself")
		return b.String()
	}
	for i, f := range c.chain {
		if i == 0 {
			b.WriteString(" includes ")
		} else {
			b.WriteString(", which includes ")
		}
		b.WriteString(name(f))
	}
	return b.String()
}
