package cgiwire

import (
	"fmt"
	"reflect"
	"testing"
)

// FuzzParseHeader checks that the resumable parser never panics, stays within the
// input, and gives the same answer whether the bytes come at once or in pieces.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nok",
		"Status: 404 Not Found\n\n",
		"HTTP/1.1 100 Continue\r\nHTTP/1.1 200 OK\r\n\r\n",
		"Location: /x\r\n\r\n",
		"SSH-2.0-OpenSSH_9.2p1\r\n\x00\x00",
		"X-A: b\rc\n\n",
		"HTTP/1.1 000\nStatus: 4\n\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		whole := outcome(in, len(in)+1)
		pieces := outcome(in, int(step%16)+1)
		if !reflect.DeepEqual(whole, pieces) {
			t.Fatalf("whole %+v\npieces %+v", whole, pieces)
		}
	})
}

type parsed struct {
	done   bool
	err    string
	status int
	end    int
	header fmt.Stringer
}

// outcome feeds in to a parser step bytes at a time.
func outcome(in []byte, step int) parsed {
	var p HeadParser
	for n := min(step, len(in)); ; n = min(n+step, len(in)) {
		done, err := p.Parse(in[:n])
		if err != nil {
			return parsed{err: err.Error()}
		}
		if done {
			if p.Len() <= 0 || p.Len() > n || p.Status() < 0 || p.Status() > 999 {
				panic(fmt.Sprintf("end %d of %d, status %d", p.Len(), n, p.Status()))
			}
			return parsed{done: true, status: p.Status(), end: p.Len(), header: stringer(fmt.Sprint(p.Header()))}
		}
		if n == len(in) {
			return parsed{}
		}
	}
}

type stringer string

func (s stringer) String() string { return string(s) }
