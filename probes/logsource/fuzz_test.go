package logsource

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkStripped asserts what every stripper promises: lines no longer
// than maxLine, each a piece of the input.
func checkStripped(t *testing.T, in, out []byte) {
	t.Helper()
	for _, line := range bytes.Split(bytes.TrimSuffix(out, []byte{'\n'}), []byte{'\n'}) {
		if len(line) > maxLine {
			t.Fatalf("output line of %d bytes", len(line))
		}
		if !bytes.Contains(in, line) {
			t.Fatalf("output line %q is not in the input", line)
		}
	}
}

// seedLines adds each line of the testdata files matching glob as a seed.
func seedLines(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, line := range bytes.Split(b, []byte{'\n'}) {
			f.Add(line)
		}
	}
}

func FuzzStripSyslog(f *testing.F) {
	seedLines(f, filepath.Join("testdata", "syslog", "*.log"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := readAllBytes(StripSyslog(bytes.NewReader(data)))
		if err != nil {
			t.Fatal(err)
		}
		checkStripped(t, data, out)
	})
}

func FuzzStripJournal(f *testing.F) {
	seedLines(f, filepath.Join("testdata", "journal", "*.short-iso"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := readAllBytes(StripJournal(bytes.NewReader(data)))
		if err != nil {
			t.Fatal(err)
		}
		checkStripped(t, data, out)
	})
}

func FuzzSelectorLine(f *testing.F) {
	for _, s := range []string{"*.*;auth,authpriv.none\t\t-/var/log/syslog", "local7.*  /var/log/boot.log",
		"local6.err;local6.!crit\t/var/log/x", "mail.=info;mail.!=debug /x", "*.emerg :omusrmsg:*", "kern.none;*.* ~"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		sels, act, err := parseSelectorLine(line)
		if err != nil {
			return
		}
		if act == "" || len(sels) == 0 {
			t.Fatalf("%q parsed with no action or no selector", line)
		}
		for fac := range 24 {
			for sev := range 8 {
				if r := matchSelectors(sels, message{facility: fac, severity: sev}); r == maybe {
					t.Fatalf("%q: a selector is never in doubt, got maybe", line)
				}
			}
		}
	})
}

func FuzzRsyslogRules(f *testing.F) {
	for _, root := range []string{"debian12", "rhel9", "rainer", "debian12-nginx"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "roots", root, "etc", "rsyslog*", "*"))
		files = append(files, filepath.Join("testdata", "roots", root, "etc", "rsyslog.conf"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, conf string) {
		for _, m := range []message{{23, 3, "nginx"}, {16, 0, "web"}} {
			var c collector
			e := rsEval{m: m, listen: yes, c: &c}
			e.run(splitStatements(conf, "/etc/rsyslog.conf", 1), yes, 0)
			for _, cand := range c.out {
				if !strings.HasPrefix(cand.Path, "/") || filepath.Clean(cand.Path) != cand.Path {
					t.Fatalf("candidate %q is not a clean absolute path", cand.Path)
				}
			}
		}
	})
}

func FuzzSyslogNG(f *testing.F) {
	for _, p := range []string{"syslog-ng.conf", "conf.d/nginx.conf"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "roots", "syslogng", "etc", "syslog-ng", p)); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, conf string) {
		mdl := &ngModel{sources: map[string]ngObj{}, dests: map[string]ngObj{}, filters: map[string]ngObj{}}
		mdl.parse("/etc/syslog-ng/syslog-ng.conf", lexSyslogNG(conf, 1))
		var c collector
		mdl.eval(Target{Unix: "/dev/log", Tag: "nginx"}, message{23, 3, "nginx"}, &c, nil)
		for _, cand := range c.out {
			if !strings.HasPrefix(cand.Path, "/") {
				t.Fatalf("candidate %q is not absolute", cand.Path)
			}
		}
	})
}

// readAllBytes reads r to its end.
func readAllBytes(r interface{ Read([]byte) (int, error) }) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}
