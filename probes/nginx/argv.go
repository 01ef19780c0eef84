package nginx

import "strings"

// maxTitleWords bounds the title reading; a longer title is not read as exact.
const maxTitleWords = 64

// Why a title's argv could not be recovered exactly (Master.ArgvWhy).
const (
	argvTooLong = "it has more than 64 words"
	argvInvalid = "no reading of it is a command line nginx accepts"
)

// recoverArgv recovers the argv a master was started with from its
// /proc/PID/cmdline. nginx rewrites its title (ngx_setproctitle) into
// "nginx: master process " + argv joined by single spaces, so argv boundaries
// are lost; exact is true only when exactly one split of the title is an argv
// that nginx's own option parser accepts, under the presumptions that count
// documents. NULs inside the title mean it was never rewritten: they are the
// argv boundaries. Not a master title: nil, false.
func recoverArgv(title string) (argv []string, exact bool) {
	argv, why, _ := readArgv(title)
	return argv, argv != nil && why == ""
}

// readArgv is recoverArgv that also says why the argv is not exact ("" when
// it is); ok is false when title is not a master's at all. When not exact,
// argv is the plain split on spaces, for display only.
func readArgv(title string) (argv []string, why string, ok bool) {
	title = strings.TrimRight(title, "\x00")
	rest, ok := strings.CutPrefix(title, masterTitle)
	if !ok {
		return nil, "", false
	}
	if strings.Contains(rest, "\x00") {
		argv = strings.Split(rest, "\x00")
		if _, valid := parseOptions(argv[1:]); !valid {
			return argv, argvInvalid, true
		}
		return argv, "", true
	}
	words := strings.Split(rest, " ")
	if len(words) > maxTitleWords {
		return words, argvTooLong, true
	}
	r := newTitleReader(words)
	argv, why = r.read()
	if why != "" {
		return words, why, true
	}
	return argv, "", true
}

// titleReader counts, for every word position, the ways the words from there
// on split into argv elements nginx accepts (capped at 2: more is no better).
// Memoised, so reading is O(words²) however the title was crafted.
type titleReader struct {
	words []string
	ways  []int   // ways[i]: splits of words[i:], -1 while unknown
	next  [][]int // next[i]: where the element(s) starting at word i may end (up to 2)
	flag  []byte  // flag[i]: the value-taking option letter of the element at i, or 0
	sep   []bool  // sep[i]: that value is the next argv element, not glued on
}

func newTitleReader(words []string) *titleReader {
	n := len(words)
	r := &titleReader{words: words, ways: make([]int, n+1), next: make([][]int, n+1),
		flag: make([]byte, n+1), sep: make([]bool, n+1)}
	for i := range r.ways {
		r.ways[i] = -1
	}
	r.ways[n] = 1
	return r
}

// read returns the one argv the title can be, or why there is not exactly one.
func (r *titleReader) read() (argv []string, why string) {
	switch r.count(1) {
	case 0:
		return nil, argvInvalid
	case 1:
	default:
		for i := 1; i < len(r.words); i = r.next[i][0] {
			if len(r.next[i]) > 1 {
				return nil, "its -" + string(r.flag[i]) + " holds what looks like flags"
			}
		}
		return nil, "it reads as more than one command line" // unreachable: some word forks
	}
	argv = []string{r.words[0]}
	for i := 1; i < len(r.words); i = r.next[i][0] {
		j := r.next[i][0]
		if r.sep[i] {
			argv = append(argv, r.words[i], strings.Join(r.words[i+1:j], " "))
		} else {
			argv = append(argv, strings.Join(r.words[i:j], " "))
		}
	}
	return argv, ""
}

// count fills ways[i], next[i], flag[i] and sep[i] for an element at word i,
// following ngx_get_options: letters left to right, flags combine (-tq), a
// value-taking letter ends the element with the rest of it, else takes the
// whole next element. Taken literally that makes nearly every title
// ambiguous ("-p /x/ -c /x/n.conf" could be -p "/x/ -c /x/n.conf"), so two
// presumptions hold for reading, both true of any argv a shell builds from
// plain paths: a glued value never starts with a space, and the path given
// to -p, -c or -e has no later word starting with "-". Only -g (config text,
// where "#; -c x" is just a comment) is read every way nginx could.
func (r *titleReader) count(i int) int {
	if r.ways[i] >= 0 {
		return r.ways[i]
	}
	r.ways[i] = 0
	n, w := len(r.words), r.words[i]
	if w == "" || w[0] != '-' {
		return 0
	}
	for k := 1; k < len(w); k++ {
		c := w[k]
		if strings.IndexByte("?hvVtTq", c) >= 0 {
			continue
		}
		if strings.IndexByte("specg", c) < 0 {
			return 0 // nginx: invalid option
		}
		r.flag[i] = c
		glued := w[k+1:]
		r.sep[i] = glued == ""
		switch {
		case c == 's' && glued != "":
			if isSignal(glued) {
				r.add(i, i+1)
			}
		case c == 's':
			if i+1 < n && isSignal(r.words[i+1]) {
				r.add(i, i+2)
			}
		case c != 'g' && glued != "":
			r.add(i, r.nextDash(i+1)) // a glued path runs to the next "-" word
		case c != 'g':
			if i+1 < n {
				r.add(i, r.nextDash(i+2)) // the path is the next word, and on to the next "-" word
			}
		case glued != "":
			for j := i + 1; j <= n && r.ways[i] < 2; j++ {
				r.add(i, j)
			}
		default:
			for j := i + 2; j <= n && r.ways[i] < 2; j++ {
				r.add(i, j)
			}
		}
		return r.ways[i]
	}
	r.add(i, i+1) // flags only, or a lone "-"
	return r.ways[i]
}

// nextDash is the first word from index from on that starts with "-", or
// len(words).
func (r *titleReader) nextDash(from int) int {
	for j := from; j < len(r.words); j++ {
		if strings.HasPrefix(r.words[j], "-") {
			return j
		}
	}
	return len(r.words)
}

// add counts the splits that go on at word j after the element(s) at i.
func (r *titleReader) add(i, j int) {
	if j > len(r.words) || r.count(j) == 0 {
		return
	}
	r.ways[i] = min(2, r.ways[i]+r.ways[j])
	if len(r.next[i]) < 2 {
		r.next[i] = append(r.next[i], j)
	}
}

// isSignal reports whether v is a value nginx accepts for -s.
func isSignal(v string) bool {
	return v == "stop" || v == "quit" || v == "reopen" || v == "reload"
}

// options are the values of -c, -p, -g and -e in an nginx argv.
type options struct {
	conf, prefix, globals, errorLog string
}

// parseOptions applies nginx's ngx_get_options to args (argv without argv[0]):
// flags combine (-tq), a value is glued on (-c/x) or the next element; a later
// option wins. valid is false where nginx would refuse to start.
func parseOptions(args []string) (o options, valid bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "" || a[0] != '-' {
			return o, false
		}
	letters:
		for k := 1; k < len(a); k++ {
			c := a[k]
			if strings.IndexByte("?hvVtTq", c) >= 0 {
				continue
			}
			if strings.IndexByte("specg", c) < 0 {
				return o, false
			}
			v := a[k+1:]
			if v == "" {
				if i+1 >= len(args) {
					return o, false
				}
				i++
				v = args[i]
			}
			switch c {
			case 's':
				if !isSignal(v) {
					return o, false
				}
			case 'p':
				o.prefix = v
			case 'e':
				o.errorLog = v
			case 'c':
				o.conf = v
			case 'g':
				o.globals = v
			}
			break letters
		}
	}
	return o, true
}
