package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"k8s.io/apimachinery/pkg/types"
)

const dialTimeout = 10 * time.Second

// podPortForwarder connects port-forward streams to ports of one pod, as the
// kubelet's runtime does: to localhost in the pod's network namespace. It
// implements portforward.PortForwarder of k8s.io/kubelet/pkg/cri/streaming.
type podPortForwarder struct {
	pod *podState
}

func (f *podPortForwarder) PortForward(ctx context.Context, name string, uid types.UID, port int32, stream io.ReadWriteCloser) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("port %d is out of range", port)
	}
	conn, err := dialInNetns(netnsPath(f.pod.Netns), int(port))
	if err != nil {
		return fmt.Errorf("pod %s/%s: %w", f.pod.Namespace, f.pod.Name, err)
	}
	defer conn.Close()

	// Client to pod until the client closes its side, then half-close towards the
	// pod; pod to client until the pod closes, which ends the forwarding.
	go func() {
		_, _ = io.Copy(conn, stream)
		_ = conn.CloseWrite()
	}()
	if _, err := io.Copy(stream, conn); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("copying from port %d of pod %s/%s: %w", port, f.pod.Namespace, f.pod.Name, err)
	}
	return nil
}

// dialInNetns connects to localhost:port (127.0.0.1, else ::1) in the network
// namespace mounted at netns. The socket is made while this OS thread is in that
// namespace, and stays in it after the thread has returned to ours.
func dialInNetns(netns string, port int) (*net.TCPConn, error) {
	target, err := os.Open(netns)
	if err != nil {
		return nil, fmt.Errorf("opening network namespace %s: %w", netns, err)
	}
	defer target.Close()

	runtime.LockOSThread()
	own, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("opening this thread's network namespace: %w", err)
	}
	defer own.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("entering network namespace %s: %w", netns, err)
	}

	// Dialing an IP address makes the socket in this goroutine, so on this thread.
	dialer := net.Dialer{Timeout: dialTimeout}
	conn, err := dialer.Dial("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if errors.Is(err, syscall.ECONNREFUSED) {
		// Maybe it listens on IPv6 only; if not, the IPv4 error says more.
		if conn6, err6 := dialer.Dial("tcp6", net.JoinHostPort("::1", strconv.Itoa(port))); err6 == nil {
			conn, err = conn6, nil
		}
	}

	if backErr := unix.Setns(int(own.Fd()), unix.CLONE_NEWNET); backErr != nil {
		// The thread stays locked: the runtime ends it with this goroutine
		// rather than letting other goroutines run in the pod's namespace.
		if conn != nil {
			conn.Close()
		}
		return nil, fmt.Errorf("returning to our network namespace: %w", backErr)
	}
	runtime.UnlockOSThread()
	if err != nil {
		return nil, fmt.Errorf("connecting to port %d on localhost in network namespace %s: %w", port, netns, err)
	}
	return conn.(*net.TCPConn), nil
}
