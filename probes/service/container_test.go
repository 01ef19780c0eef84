package service

import (
	"strings"
	"testing"
)

func TestContainerFromCgroup(t *testing.T) {
	id := testID
	cases := []struct {
		name, data string
		want       Container
		ok         bool
	}{
		{"docker cgroup v1 cgroupfs", "12:pids:/docker/" + id + "\n4:memory:/docker/" + id + "\n1:name=systemd:/docker/" + id + "\n", Container{"docker", id}, true},
		{"docker cgroup v1 systemd driver", "1:name=systemd:/system.slice/docker-" + id + ".scope\n", Container{"docker", id}, true},
		{"docker cgroup v2", "0::/system.slice/docker-" + id + ".scope\n", Container{"docker", id}, true},
		{"docker v2 cgroupfs", "0::/docker/" + id + "\n", Container{"docker", id}, true},
		{"podman rootful v2", "0::/machine.slice/libpod-" + id + ".scope/container\n", Container{"podman", id}, true},
		{"podman rootless", "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + id + ".scope\n", Container{"podman", id}, true},
		{"podman cgroupfs v1", "3:memory:/libpod_parent/" + id + "\n", Container{"podman", id}, true},
		{"kubernetes containerd", "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-" + id + ".scope\n", Container{"containerd", id}, true},
		{"kubernetes cgroupfs", "4:memory:/kubepods/besteffort/pod6f1c/" + id + "\n", Container{"kubernetes", id}, true},
		{"cri-o", "0::/kubepods.slice/crio-" + id + ".scope\n", Container{"cri-o", id}, true},
		{"v2 wins on a hybrid box", "4:memory:/docker/" + strings.Repeat("b", 64) + "\n0::/system.slice/docker-" + id + ".scope\n", Container{"docker", id}, true},
		{"this box's sandbox", "4:memory:/process_api/bcc93e281d36c5c64ab13f435e06810b\n0::/\n", Container{}, false},
		{"a service, no container", "0::/system.slice/nginx.service\n", Container{}, false},
		{"uppercase is not an ID", "0::/docker/" + strings.ToUpper(id) + "\n", Container{}, false},
		{"short ID", "0::/docker/" + id[:12] + "\n", Container{}, false},
		{"empty", "", Container{}, false},
	}
	for _, c := range cases {
		got, ok := ContainerFromCgroup([]byte(c.data))
		if ok != c.ok || got != c.want {
			t.Errorf("%s: %+v %v, want %+v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func FuzzContainerFromCgroup(f *testing.F) {
	f.Add([]byte("12:memory:/docker/" + testID + "\n"))
	f.Add([]byte("0::/system.slice/docker-" + testID + ".scope\n"))
	f.Add([]byte("0::/machine.slice/libpod-" + testID + ".scope/container\n"))
	f.Add([]byte("4:memory:/kubepods/besteffort/pod1/" + testID + "\n"))
	f.Add([]byte("4:memory:/process_api/bcc93e\n0::/\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ok := ContainerFromCgroup(data)
		if !ok {
			if c != (Container{}) {
				t.Fatalf("not ok but %+v", c)
			}
			return
		}
		if !isContainerID(c.ID) || !strings.Contains(string(data), c.ID) || c.Runtime == "" {
			t.Fatalf("ContainerFromCgroup(%q) = %+v", data, c)
		}
	})
}
