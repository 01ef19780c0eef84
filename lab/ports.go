package lab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A lab's ports are reserved before anything listens: a socket bound
// (never listening) with SO_REUSEADDR, so the kernel gives the port to
// no one else — another lab started at the same moment included — while
// nginx and the backends, which also set SO_REUSEADDR, can still listen
// on it. A reserved port nothing listens on refuses connects, as an
// address where nothing runs does. A holder process keeps the sockets
// for the lab's life; `lab stop` ends it with the rest.

// reserve binds a reserving socket on ip ("127.0.0.1" or "::1") port
// (0: the kernel picks) and returns it with its port.
func reserve(ip string, port int) (*os.File, int, error) {
	family := syscall.AF_INET
	var sa syscall.Sockaddr = &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
	if ip == "::1" {
		family = syscall.AF_INET6
		sa = &syscall.SockaddrInet6{Port: port, Addr: [16]byte{15: 1}}
	}
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, 0, err
	}
	if family == syscall.AF_INET6 {
		_ = syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 1)
	}
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		syscall.Close(fd)
		return nil, 0, err
	}
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, 0, fmt.Errorf("reserve %s port %d: %w", ip, port, err)
	}
	got, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return nil, 0, err
	}
	switch a := got.(type) {
	case *syscall.SockaddrInet4:
		port = a.Port
	case *syscall.SockaddrInet6:
		port = a.Port
	}
	return os.NewFile(uintptr(fd), fmt.Sprintf("reserved %s:%d", ip, port)), port, nil
}

// allocate reserves the lab's ports (nginx's, two where nothing runs,
// one per TCP backend; an IPv6 backend's port on both families, so that
// 127.0.0.1 refuses) and names its sockets.
func (l *Lab) allocate(s Scenario) (Data, []*os.File, error) {
	d := Data{Dir: l.Dir}
	var held []*os.File
	fail := func(err error) (Data, []*os.File, error) {
		closeAll(held)
		return d, nil, err
	}
	v4 := func() (int, error) {
		f, p, err := reserve("127.0.0.1", 0)
		if err == nil {
			held = append(held, f)
		}
		return p, err
	}
	var err error
	if l.Port, err = v4(); err != nil {
		return fail(err)
	}
	d.Port = l.Port
	for range 2 {
		p, err := v4()
		if err != nil {
			return fail(err)
		}
		d.Free = append(d.Free, "127.0.0.1:"+strconv.Itoa(p))
	}
	for i, b := range s.Backends {
		switch b.Net {
		case "unix":
			d.B, d.BP = append(d.B, "unix:"+filepath.Join(l.Dir, fmt.Sprintf("b%d.sock", i))), append(d.BP, 0)
		case "tcp6":
			files, p, err := reserveBoth()
			if err != nil {
				return fail(fmt.Errorf("lab %s needs IPv6 on ::1: %w", s.Name, err))
			}
			held = append(held, files...)
			d.B, d.BP = append(d.B, "[::1]:"+strconv.Itoa(p)), append(d.BP, p)
		default:
			p, err := v4()
			if err != nil {
				return fail(err)
			}
			d.B, d.BP = append(d.B, "127.0.0.1:"+strconv.Itoa(p)), append(d.BP, p)
		}
	}
	return d, held, nil
}

// reserveBoth reserves one port number on ::1 and on 127.0.0.1.
func reserveBoth() ([]*os.File, int, error) {
	var last error
	for range 20 {
		f6, p, err := reserve("::1", 0)
		if err != nil {
			return nil, 0, err
		}
		f4, _, err := reserve("127.0.0.1", p)
		if err == nil {
			return []*os.File{f6, f4}, p, nil
		}
		f6.Close()
		last = err
	}
	return nil, 0, last
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

// hold starts the process that keeps the reserved sockets for the lab.
func (l *Lab) hold(self string, files []*os.File) error {
	if len(files) == 0 {
		return nil
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimPrefix(f.Name(), "reserved ")
	}
	cmd := exec.Command(self, BackendArg, kindHold, "tcp", strings.Join(names, ","))
	cmd.Dir, cmd.ExtraFiles = l.Dir, files
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("hold ports: %w", err)
	}
	go cmd.Wait()
	pid := cmd.Process.Pid
	l.Procs = append(l.Procs, Proc{What: "port holder " + strings.Join(names, " "), PID: pid, Start: startTime(pid)})
	line := make([]byte, 512)
	if n, _ := out.Read(line); !strings.HasPrefix(string(line[:n]), "holding") {
		return fmt.Errorf("could not hold ports %s", strings.Join(names, " "))
	}
	return nil
}
