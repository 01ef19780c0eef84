package netcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestReadMACThisBox asserts what this machine really has: no selinuxfs, no
// AppArmor securityfs, and no LSM label on our own pid (attr/current is EINVAL).
func TestReadMACThisBox(t *testing.T) {
	m := ReadMAC(context.Background(), "/proc", os.Getpid())
	wantSE := "absent"
	switch {
	case exists("/sys/fs/selinux/enforce"):
		t.Skip("this box has SELinux mounted; the test documents a box without it")
	case exists("/etc/selinux/config"):
		wantSE = "disabled"
	}
	if m.SELinux != wantSE {
		t.Errorf("SELinux = %q, want %q", m.SELinux, wantSE)
	}
	if m.HTTPDCanNetworkConnect != nil || m.Denials != nil {
		t.Errorf("SELinux facts without SELinux: %+v", m)
	}
	wantAA := "absent"
	if exists("/sys/kernel/security/apparmor") {
		wantAA = "enabled"
	}
	if m.AppArmor != wantAA {
		t.Errorf("AppArmor = %q, want %q", m.AppArmor, wantAA)
	}
	if _, err := os.ReadFile("/proc/self/attr/current"); err != nil {
		if m.NginxProfile != "" || len(m.Notes) == 0 {
			t.Errorf("label unreadable but NginxProfile=%q notes=%q", m.NginxProfile, m.Notes)
		}
	} else if m.NginxProfile == "" {
		t.Errorf("label readable but NginxProfile empty")
	}
	t.Logf("this box: %+v", m)
}

// TestReadMACEnforcing builds an SELinux-enforcing tree with a denial and a confined nginx.
func TestReadMACEnforcing(t *testing.T) {
	root := t.TempDir()
	p := macPaths{
		selinuxfs:     filepath.Join(root, "sys/fs/selinux"),
		selinuxConfig: filepath.Join(root, "etc/selinux/config"),
		apparmorfs:    filepath.Join(root, "sys/kernel/security/apparmor"),
		auditLog:      filepath.Join(root, "var/log/audit/audit.log"),
		getsebool:     filepath.Join(root, "no-getsebool"),
	}
	mustWrite(t, filepath.Join(p.selinuxfs, "enforce"), []byte("1"))
	mustWrite(t, filepath.Join(p.selinuxfs, "booleans/httpd_can_network_connect"), []byte("0 0"))
	denial := `type=AVC msg=audit(1700000000.123:456): avc:  denied  { name_connect } for  pid=1234 comm="nginx" dest=8080 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket permissive=0`
	other := `type=AVC msg=audit(1700000001.000:457): avc:  denied  { read } for  pid=99 comm="sshd" scontext=system_u:system_r:sshd_t:s0 tclass=file`
	mustWrite(t, p.auditLog, []byte("type=SYSCALL msg=audit(1):\n"+denial+"\n"+other+"\n"))
	mustWrite(t, filepath.Join(root, "proc/4242/attr/current"), []byte("system_u:system_r:httpd_t:s0\x00"))

	m := readMAC(context.Background(), p, filepath.Join(root, "proc"), 4242)
	if m.SELinux != "enforcing" || m.HTTPDCanNetworkConnect == nil || *m.HTTPDCanNetworkConnect {
		t.Errorf("SELinux facts = %+v", m)
	}
	if len(m.Denials) != 1 || m.Denials[0] != denial {
		t.Errorf("Denials = %q", m.Denials)
	}
	if m.NginxProfile != "system_u:system_r:httpd_t:s0" || m.AppArmor != "absent" {
		t.Errorf("profile %q apparmor %q", m.NginxProfile, m.AppArmor)
	}

	// Permissive, boolean on, AppArmor with its own attr file taking precedence.
	mustWrite(t, filepath.Join(p.selinuxfs, "enforce"), []byte("0\n"))
	mustWrite(t, filepath.Join(p.selinuxfs, "booleans/httpd_can_network_connect"), []byte("1 1"))
	mustWrite(t, filepath.Join(p.apparmorfs, "profiles"), nil)
	mustWrite(t, filepath.Join(root, "proc/4242/attr/apparmor/current"), []byte("/usr/sbin/nginx (enforce)\n"))
	m = readMAC(context.Background(), p, filepath.Join(root, "proc"), 4242)
	if m.SELinux != "permissive" || !*m.HTTPDCanNetworkConnect || m.AppArmor != "enabled" || m.NginxProfile != "/usr/sbin/nginx (enforce)" {
		t.Errorf("second tree = %+v", m)
	}

	// No boolean in selinuxfs: ReadMAC asks getsebool (a real executable here).
	os.Remove(filepath.Join(p.selinuxfs, "booleans/httpd_can_network_connect"))
	mustWrite(t, p.getsebool, []byte("#!/bin/sh\necho \"$1 --> on\"\n"))
	if err := os.Chmod(p.getsebool, 0o755); err != nil {
		t.Fatal(err)
	}
	m = readMAC(context.Background(), p, filepath.Join(root, "proc"), 4242)
	if m.HTTPDCanNetworkConnect == nil || !*m.HTTPDCanNetworkConnect {
		t.Errorf("getsebool path: %+v", m)
	}

	// selinuxfs gone but the policy config present: SELinux is disabled, not absent.
	os.RemoveAll(p.selinuxfs)
	mustWrite(t, p.selinuxConfig, []byte("SELINUX=disabled\n"))
	if m := readMAC(context.Background(), p, root, 0); m.SELinux != "disabled" || m.NginxProfile != "" {
		t.Errorf("disabled tree = %+v", m)
	}
}

func TestParseGetsebool(t *testing.T) {
	for in, want := range map[string][2]bool{
		"httpd_can_network_connect --> on\n":  {true, true},
		"httpd_can_network_connect --> off\n": {false, true},
		"Error getting active value":          {false, false},
		"x --> maybe":                         {false, false},
	} {
		on, ok := ParseGetsebool([]byte(in))
		if [2]bool{on, ok} != want {
			t.Errorf("ParseGetsebool(%q) = %v %v, want %v", in, on, ok, want)
		}
	}
}

func TestAVCDenialsBounded(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 50; i++ {
		b.WriteString(`avc:  denied  { name_connect } comm="nginx" n=` + string(rune('A'+i%26)) + "\n")
	}
	got := AVCDenials([]byte(b.String()), 5)
	if len(got) != 5 || !strings.HasSuffix(got[4], "n=X") || !strings.HasSuffix(got[0], "n=T") {
		t.Errorf("AVCDenials = %q, want the last five, oldest first", got)
	}
	if AVCDenials([]byte("avc: denied comm=\"nginx\""), 0) != nil {
		t.Error("limit 0 returned lines")
	}
}

func FuzzAVCDenials(f *testing.F) {
	f.Add([]byte("avc:  denied  { name_connect } comm=\"nginx\"\nx\n"), 3)
	f.Fuzz(func(t *testing.T, data []byte, limit int) {
		limit %= 100
		got := AVCDenials(data, limit)
		if len(got) > max(limit, 0) {
			t.Fatalf("%d lines for limit %d", len(got), limit)
		}
		for _, l := range got {
			if strings.Contains(l, "\n") || !strings.Contains(l, "avc:") {
				t.Fatalf("line %q", l)
			}
		}
	})
}

func FuzzParseGetsebool(f *testing.F) {
	f.Add([]byte("httpd_can_network_connect --> on\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if on, ok := ParseGetsebool(data); on && !ok {
			t.Fatal("on without ok")
		}
	})
}
