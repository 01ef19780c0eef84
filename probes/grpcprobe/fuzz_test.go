package grpcprobe

import (
	"strings"
	"testing"
)

// FuzzDecodeHealth checks that any body decodes without panicking into a known name or
// an error, and that bytes after the first message frame change nothing.
func FuzzDecodeHealth(f *testing.F) {
	for _, s := range []string{
		"\x00\x00\x00\x00\x02\x08\x01",
		"\x00\x00\x00\x00\x00",
		"\x00\x00\x00\x00\x06\x12\x02ab\x08\x02",
		"\x00\x00\x00\x00\x0b\x09\x01\x02\x03\x04\x05\x06\x07\x08\x08\x03",
		"\x00\x00\x00\x00\x05\x0d\x01\x02\x03\x04",
		"\x01\x00\x00\x00\x02\x08\x01",
		"\x00\xff\xff\xff\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		name, err := DecodeHealth(body)
		if err != nil {
			if name != "" {
				t.Fatalf("name %q with error %v", name, err)
			}
			return
		}
		switch name {
		case "UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN":
		default:
			if !strings.HasPrefix(name, "ServingStatus(") {
				t.Fatalf("name %q", name)
			}
		}
		if again, err := DecodeHealth(append(body[:len(body):len(body)], "\x00\x00\x00\x00\x02\x08\x02"...)); again != name || err != nil {
			t.Fatalf("trailing bytes changed %q to %q (%v)", name, again, err)
		}
	})
}
