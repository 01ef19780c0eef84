package logsource

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	hexID      = "3f4b2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a"
	testPodUID = "2f1b7c3e-4d5a-4b6c-8d7e-9f0a1b2c3d4e"
)

func TestContainerFromCgroup(t *testing.T) {
	tests := []struct {
		name, cgroup string
		want         Container
	}{
		{"docker v1", "12:memory:/docker/" + hexID + "\n1:name=systemd:/docker/" + hexID + "\n", Container{Runtime: "docker", ID: hexID}},
		{"docker v2 systemd", "0::/system.slice/docker-" + hexID + ".scope\n", Container{Runtime: "docker", ID: hexID}},
		{"podman rootful", "0::/machine.slice/libpod-" + hexID + ".scope/container\n", Container{Runtime: "podman", ID: hexID}},
		{"podman rootless", "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + hexID + ".scope\n", Container{Runtime: "podman", ID: hexID}},
		{"podman conmon is not the container", "0::/machine.slice/libpod-conmon-" + hexID + ".scope\n", Container{}},
		{"podman v1", "3:cpu:/libpod_parent/libpod-" + hexID + "\n", Container{Runtime: "podman", ID: hexID}},
		{"kubepods systemd containerd", "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(testPodUID, "-", "_") + ".slice/cri-containerd-" + hexID + ".scope\n",
			Container{Runtime: "containerd", ID: hexID, PodUID: testPodUID}},
		{"kubepods cri-o", "0::/kubepods.slice/kubepods-pod" + strings.ReplaceAll(testPodUID, "-", "_") + ".slice/crio-" + hexID + ".scope\n",
			Container{Runtime: "cri-o", ID: hexID, PodUID: testPodUID}},
		{"kubepods cgroupfs v1", "11:pids:/kubepods/besteffort/pod" + testPodUID + "/" + hexID + "\n", Container{Runtime: "kubernetes", ID: hexID, PodUID: testPodUID}},
		{"lxc v2", "0::/lxc.payload.web1/system.slice/nginx.service\n", Container{Runtime: "lxc", ID: "web1"}},
		{"lxc v1", "4:memory:/lxc/web1\n", Container{Runtime: "lxc", ID: "web1"}},
		{"nspawn", `0::/machine.slice/machine-web\x2d1.scope/payload/system.slice/nginx.service` + "\n", Container{Runtime: "systemd-nspawn", ID: "web-1"}},
		{"plain systemd service", "0::/system.slice/nginx.service\n", Container{}},
		{"inside a container", "0::/\n", Container{}},
		{"a process_api cgroup", "4:memory:/process_api/89b97ff20bf5b8a44a5c72330d854fc2\n0::/\n", Container{}},
	}
	for _, tc := range tests {
		if got := containerFromCgroup([]byte(tc.cgroup)); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

// fakeProc writes procRoot/PID/{cgroup,mountinfo} and root files.
func fakeProc(t *testing.T, cgroup, mountinfo string, rootFiles map[string]string) (string, int) {
	t.Helper()
	procRoot := t.TempDir()
	const pid = 4242
	dir := filepath.Join(procRoot, strconv.Itoa(pid))
	for name, text := range map[string]string{"cgroup": cgroup, "mountinfo": mountinfo} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for p, text := range rootFiles {
		full := filepath.Join(dir, "root", p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "root"), 0o755); err != nil {
		t.Fatal(err)
	}
	return procRoot, pid
}

func TestInContainerFromInside(t *testing.T) {
	mountinfo := "612 590 0:52 /var/lib/docker/containers/" + hexID + "/hostname /etc/hostname rw,relatime - ext4 /dev/sda1 rw\n"
	procRoot, pid := fakeProc(t, "0::/\n", mountinfo, map[string]string{".dockerenv": "", "etc/hostname": "3f4b2a1c9d8e\n"})
	c, ok := InContainer(procRoot, pid)
	want := Container{Runtime: "docker", ID: hexID, Hostname: "3f4b2a1c9d8e", Source: "/.dockerenv"}
	if !ok || c != want {
		t.Fatalf("InContainer = %+v, %v; want %+v", c, ok, want)
	}
	if hint := c.LogHint(time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)); hint != "nginx runs in a docker container: docker logs --since 2026-12-02T05:00:00Z 3f4b2a1c9d8e (on the docker host)" {
		t.Errorf("hint %q", hint)
	}
}

func TestInContainerPodman(t *testing.T) {
	procRoot, pid := fakeProc(t, "0::/\n", "", map[string]string{"run/.containerenv": "engine=\"podman-4.3.1\"\nname=\"web\"\nid=\"" + hexID + "\"\n"})
	c, ok := InContainer(procRoot, pid)
	if !ok || c.Runtime != "podman" || c.ID != hexID {
		t.Fatalf("InContainer = %+v, %v", c, ok)
	}
	if hint := c.LogHint(time.Time{}); hint != "nginx runs in a podman container: podman logs 3f4b2a1c9d8e (as the user who runs it)" {
		t.Errorf("hint %q", hint)
	}
}

func TestInContainerPodHint(t *testing.T) {
	cg := "0::/kubepods.slice/kubepods-pod" + strings.ReplaceAll(testPodUID, "-", "_") + ".slice/cri-containerd-" + hexID + ".scope\n"
	procRoot, pid := fakeProc(t, cg, "", map[string]string{"etc/hostname": "shop-web-7d9f8c6b5-x2x4q\n"})
	c, ok := InContainer(procRoot, pid)
	if !ok || c.PodUID != testPodUID || c.Hostname != "shop-web-7d9f8c6b5-x2x4q" || !strings.HasSuffix(c.Source, "/cgroup") {
		t.Fatalf("InContainer = %+v, %v", c, ok)
	}
	want := "nginx runs in a Kubernetes pod (uid " + testPodUID + "): kubectl logs shop-web-7d9f8c6b5-x2x4q, or on this node: crictl logs 3f4b2a1c9d8e"
	if hint := c.LogHint(time.Time{}); hint != want {
		t.Errorf("hint\n %q\nwant %q", hint, want)
	}
}

func TestInContainerFollowsNoSymlinkInItsRoot(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(secret, []byte("root:$6$secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	procRoot, pid := fakeProc(t, "0::/system.slice/docker-"+hexID+".scope\n", "", nil)
	root := filepath.Join(procRoot, strconv.Itoa(pid), "root")
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(root, "etc", "hostname")); err != nil {
		t.Fatal(err)
	}
	c, ok := InContainer(procRoot, pid)
	if !ok || c.Hostname != "" {
		t.Fatalf("InContainer = %+v, %v; the hostname symlink must not be followed", c, ok)
	}
	// Nor is a marker that is a link.
	procRoot, pid = fakeProc(t, "0::/\n", "", nil)
	if err := os.Symlink(secret, filepath.Join(procRoot, strconv.Itoa(pid), "root", ".dockerenv")); err != nil {
		t.Fatal(err)
	}
	if c, ok := InContainer(procRoot, pid); ok {
		t.Errorf("a .dockerenv symlink counted: %+v", c)
	}
}

func TestInContainerNotOne(t *testing.T) {
	procRoot, pid := fakeProc(t, "0::/system.slice/nginx.service\n", "", map[string]string{"etc/hostname": "web1\n"})
	if c, ok := InContainer(procRoot, pid); ok {
		t.Errorf("a plain service is in a container: %+v", c)
	}
	if _, ok := InContainer(t.TempDir(), 1); ok {
		t.Error("a missing pid is in a container")
	}
}

// TestInContainerThisProcess reads the real /proc for this test process
// and checks the answer against what the box shows by other means.
func TestInContainerThisProcess(t *testing.T) {
	c, ok := InContainer("/proc", os.Getpid())
	cg, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	_, dockerenv := os.Lstat("/.dockerenv")
	_, containerenv := os.Lstat("/run/.containerenv")
	fromCgroup := containerFromCgroup(cg).Runtime != ""
	if want := fromCgroup || dockerenv == nil || containerenv == nil; ok != want {
		t.Fatalf("InContainer = %+v, %v; the box shows cgroup runtime %v, /.dockerenv %v, /run/.containerenv %v",
			c, ok, fromCgroup, dockerenv == nil, containerenv == nil)
	}
	if ok {
		host, _ := os.ReadFile("/etc/hostname")
		if c.Hostname != strings.TrimSpace(string(host)) {
			t.Errorf("Hostname %q, /etc/hostname holds %q", c.Hostname, host)
		}
		t.Logf("this box: %+v → %s", c, c.LogHint(time.Time{}))
	}
}
