package postmortem

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// BootTime is when the kernel started, from /proc/stat's btime: what
// dates dmesg's "[seconds since boot]" stamps.
func BootTime() (time.Time, error) {
	b, err := readRegular("/proc/stat", 1<<20)
	if err != nil {
		return time.Time{}, err
	}
	return parseBootTime(b)
}

// parseBootTime finds "btime SECONDS" in /proc/stat's text.
func parseBootTime(b []byte) (time.Time, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "btime "); ok {
			secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return time.Time{}, fmt.Errorf("/proc/stat: bad btime %q: %w", v, err)
			}
			return time.Unix(secs, 0), nil
		}
	}
	return time.Time{}, errors.New("/proc/stat has no btime line")
}
