package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/utils/exec"
)

// The namespaces a container process may have of its own, with the nsenter option
// that enters each. The user namespace is left out: the runner does not use one,
// and entering it would change what root may do.
var namespaceOptions = []struct{ name, option string }{
	{"mnt", "--mount"},
	{"uts", "--uts"},
	{"ipc", "--ipc"},
	{"net", "--net"},
	{"pid", "--pid"},
	{"cgroup", "--cgroup"},
	{"time", "--time"},
}

// How long the output of a command that has exited may still be copied (a
// process it left behind can hold its stdout open).
const outputDrainTimeout = 2 * time.Second

// containerExecutor runs commands in one container, as the kubelet's runtime
// does for `kubectl exec`. It implements remotecommand.Executor of
// k8s.io/kubelet/pkg/cri/streaming.
type containerExecutor struct {
	pod       *podState
	container containerState
	// Ends every command when the server shuts down.
	serverCtx context.Context
}

// nsenterArgs are the arguments of nsenter that run a command in the container of
// process pid: the namespaces in which it differs from this process, its root and
// its working directory.
func nsenterArgs(pid int, command []string) ([]string, error) {
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
		return nil, fmt.Errorf("the container's process %d: %w", pid, err)
	}
	args := []string{"--target", fmt.Sprint(pid)}
	for _, ns := range namespaceOptions {
		theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, ns.name))
		if errors.Is(err, os.ErrNotExist) {
			continue // a namespace type this kernel does not have
		}
		if err != nil {
			return nil, fmt.Errorf("reading the %s namespace of process %d: %w", ns.name, pid, err)
		}
		ours, err := os.Readlink("/proc/self/ns/" + ns.name)
		if err != nil {
			return nil, fmt.Errorf("reading our own %s namespace: %w", ns.name, err)
		}
		if theirs != ours {
			args = append(args, ns.option)
		}
	}
	args = append(args, "--root", "--wd", "--")
	return append(args, command...), nil
}

// processEnvironment is the environment process pid started with.
func processEnvironment(pid int) ([]string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return nil, fmt.Errorf("reading the environment of the container's process %d: %w", pid, err)
	}
	env := []string{}
	for _, entry := range bytes.Split(data, []byte{0}) {
		if len(entry) > 0 {
			env = append(env, string(entry))
		}
	}
	return env, nil
}

// checkProcess makes sure that pid still is a process of the pod: one in the pod's
// network namespace (a stale pid of an ended run could belong to anything now).
func checkProcess(pod *podState, pid int) error {
	if pid <= 0 {
		return badRequest("container of pod %s/%s has no process recorded", pod.Namespace, pod.Name)
	}
	var theirs unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/net", pid), &theirs); errors.Is(err, unix.ENOENT) {
		return badRequest("process %d of pod %s/%s is gone (its run has ended)", pid, pod.Namespace, pod.Name)
	} else if err != nil {
		return fmt.Errorf("inspecting process %d of pod %s/%s: %w", pid, pod.Namespace, pod.Name, err)
	}
	if pod.Netns == "" {
		return nil
	}
	var netns unix.Stat_t
	if err := unix.Stat(netnsPath(pod.Netns), &netns); err != nil {
		return badRequest("network namespace %s of pod %s/%s is gone: %v", pod.Netns, pod.Namespace, pod.Name, err)
	}
	if theirs.Dev != netns.Dev || theirs.Ino != netns.Ino {
		return badRequest("process %d is not in network namespace %s of pod %s/%s (its run has ended)", pid, pod.Netns, pod.Namespace, pod.Name)
	}
	return nil
}

func netnsPath(name string) string { return "/run/netns/" + name }

// ExecInContainer runs cmd in the container with nsenter, as root, in the
// environment of the container's process, copying the streams; its exit code
// comes back as a utilexec.CodeExitError.
func (e *containerExecutor) ExecInContainer(ctx context.Context, name string, uid types.UID, container string, cmd []string, in io.Reader, out, stderr io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize, timeout time.Duration) error {
	pid := e.container.PID
	if err := checkProcess(e.pod, pid); err != nil {
		return err
	}
	// With a terminal, the session that owns it should be inside the container's PID
	// namespace, as a runtime makes it: a shell there hands the terminal back to its
	// own process group when it exits, and one outside it (nsenter's) is invisible
	// there. The container's own setsid does that, where it has one.
	commandSession := false
	if tty {
		if setsid := programInRoot(pid, "/usr/bin/setsid", "/bin/setsid"); setsid != "" {
			cmd = append([]string{setsid, "--ctty", "--wait", "--"}, cmd...)
			commandSession = true
		}
	}
	args, err := nsenterArgs(pid, cmd)
	if err != nil {
		return err
	}
	env, err := processEnvironment(pid)
	if err != nil {
		return err
	}
	if tty && !hasVariable(env, "TERM") {
		env = append(env, "TERM=xterm") // as container runtimes set it for a terminal
	}

	// The command runs in a process group of its own (a session with a terminal),
	// so that it and what it starts can be killed together.
	ctx, cancel := context.WithCancel(e.serverCtx)
	defer cancel()
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	command := exec.CommandContext(ctx, "nsenter", args...)
	command.Env = env
	command.Cancel = func() error { return syscall.Kill(-command.Process.Pid, syscall.SIGKILL) }

	if tty {
		err = runWithTerminal(command, in, out, resize, !commandSession)
	} else {
		err = runWithPipes(command, in, out, stderr)
	}
	return exitError(err)
}

// programInRoot returns the first of paths that is an executable file in the root
// directory of process pid, or "".
func programInRoot(pid int, paths ...string) string {
	for _, path := range paths {
		info, err := os.Stat(fmt.Sprintf("/proc/%d/root%s", pid, path))
		if err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
			return path
		}
	}
	return ""
}

func hasVariable(env []string, name string) bool {
	for _, entry := range env {
		if strings.HasPrefix(entry, name+"=") {
			return true
		}
	}
	return false
}

func runWithPipes(command *exec.Cmd, in io.Reader, out, stderr io.Writer) error {
	command.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if out != nil {
		command.Stdout = out
	}
	if stderr != nil {
		command.Stderr = stderr
	}
	command.WaitDelay = outputDrainTimeout
	var stdinWriter *os.File
	if in != nil {
		// A pipe of our own rather than command.Stdin = in: Wait would wait for the
		// client to close its stdin, even after the command has exited.
		reader, writer, err := os.Pipe()
		if err != nil {
			return fmt.Errorf("creating the stdin pipe: %w", err)
		}
		command.Stdin = reader
		stdinWriter = writer
		defer reader.Close()
	}
	if err := command.Start(); err != nil {
		if stdinWriter != nil {
			stdinWriter.Close()
		}
		return fmt.Errorf("starting nsenter: %w", err)
	}
	if stdinWriter != nil {
		command.Stdin.(*os.File).Close()
		go func() {
			_, _ = io.Copy(stdinWriter, in)
			stdinWriter.Close()
		}()
	}
	err := command.Wait()
	if errors.Is(err, exec.ErrWaitDelay) {
		return nil // exited with 0; something it started still held its output
	}
	return err
}

// openTerminal opens a new pseudo-terminal: the master side (non-blocking, so
// that closing it ends a read) and the path of its other side.
func openTerminal() (*os.File, string, error) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, "", fmt.Errorf("opening /dev/ptmx: %w", err)
	}
	var number uint32
	err = control(master, func(fd int) error {
		var err error
		if number, err = unix.IoctlGetUint32(fd, unix.TIOCGPTN); err != nil {
			return fmt.Errorf("asking the terminal's number: %w", err)
		}
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return fmt.Errorf("unlocking the terminal: %w", err)
		}
		return nil
	})
	if err != nil {
		master.Close()
		return nil, "", err
	}
	return master, fmt.Sprintf("/dev/pts/%d", number), nil
}

// control runs f with the file's descriptor, which stays open meanwhile.
func control(file *os.File, f func(fd int) error) error {
	conn, err := file.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := conn.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// runWithTerminal runs command on a new pseudo-terminal, in a session of its own;
// with controlling, the terminal becomes that session's controlling terminal (else
// the command makes a session with it itself).
func runWithTerminal(command *exec.Cmd, in io.Reader, out io.Writer, resize <-chan remotecommand.TerminalSize, controlling bool) error {
	terminal, path, err := openTerminal()
	if err != nil {
		return err
	}
	defer terminal.Close()
	tty, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	command.Stdin, command.Stdout, command.Stderr = tty, tty, tty
	command.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: controlling, Ctty: 0}
	err = command.Start()
	tty.Close()
	if err != nil {
		return fmt.Errorf("starting nsenter on a terminal: %w", err)
	}

	if resize != nil {
		go func() {
			for size := range resize {
				_ = control(terminal, func(fd int) error {
					return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: size.Height, Col: size.Width})
				})
			}
		}()
	}
	if in != nil {
		go func() { _, _ = io.Copy(terminal, in) }()
	}
	if out == nil {
		out = io.Discard
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = io.Copy(out, terminal) // ends with EIO once no process holds the terminal
	}()
	err = command.Wait()
	select {
	case <-copied:
	case <-time.After(outputDrainTimeout):
	}
	return err
}

// exitError turns the exit of nsenter (which exits as its command did, or dies of
// the same signal) into the error that ServeExec reports as the exit code.
func exitError(err error) error {
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return err
	}
	status, ok := exitErr.Sys().(syscall.WaitStatus)
	if !ok {
		return err
	}
	if status.Signaled() {
		code := 128 + int(status.Signal())
		return utilexec.CodeExitError{Err: fmt.Errorf("killed by signal %s (exit status %d)", unix.SignalName(status.Signal()), code), Code: code}
	}
	code := status.ExitStatus()
	return utilexec.CodeExitError{Err: fmt.Errorf("exit status %d", code), Code: code}
}
