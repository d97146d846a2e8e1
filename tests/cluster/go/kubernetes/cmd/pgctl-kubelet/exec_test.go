package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/utils/exec"
)

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exitErr utilexec.ExitError
	if !errors.As(err, &exitErr) || !exitErr.Exited() {
		t.Fatalf("%v (%T) is not an exit error", err, err)
	}
	return exitErr.ExitStatus()
}

func TestNsenterArgsEnterOnlyNamespacesThatDiffer(t *testing.T) {
	// This process shares every namespace with itself.
	args, err := nsenterArgs(os.Getpid(), []string{"sh", "-c", "exit 3"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--target", fmt.Sprint(os.Getpid()), "--root", "--wd", "--", "sh", "-c", "exit 3"}
	if !slices.Equal(args, want) {
		t.Errorf("got %q, want %q", args, want)
	}
	if _, err := nsenterArgs(1<<22+7, []string{"true"}); err == nil {
		t.Error("a pid that does not exist was accepted")
	}
}

func TestProcessEnvironment(t *testing.T) {
	env, err := processEnvironment(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if path, ok := os.LookupEnv("PATH"); ok && !slices.Contains(env, "PATH="+path) {
		t.Errorf("PATH=%s not in %q", path, env)
	}
}

func TestExitCodes(t *testing.T) {
	if err := exitError(exec.Command("sh", "-c", "exit 3").Run()); exitCode(t, err) != 3 {
		t.Errorf("exit 3: %v", err)
	}
	if err := exitError(exec.Command("sh", "-c", "kill -KILL $$").Run()); exitCode(t, err) != 137 {
		t.Errorf("killed: %v", err)
	}
	if err := exitError(exec.Command("true").Run()); err != nil {
		t.Errorf("true: %v", err)
	}
	if err := exitError(exec.Command("/nonexistent/command").Run()); err == nil {
		t.Error("a command that cannot start gave no error")
	}
}

func TestRunWithPipes(t *testing.T) {
	var out, errOut bytes.Buffer
	command := exec.Command("sh", "-c", `read line; echo "got $line"; echo oops >&2; exit 4`)
	err := exitError(runWithPipes(command, strings.NewReader("hello\n"), &out, &errOut))
	if exitCode(t, err) != 4 || out.String() != "got hello\n" || errOut.String() != "oops\n" {
		t.Errorf("got %v, stdout %q, stderr %q", err, out.String(), errOut.String())
	}

	// A client that keeps stdin open does not keep an exited command's session open.
	reader, writer := io.Pipe()
	defer writer.Close()
	done := make(chan error)
	go func() { done <- runWithPipes(exec.Command("true"), reader, nil, nil) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("true: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waited for stdin after the command exited")
	}
}

func TestRunWithTerminal(t *testing.T) {
	var out bytes.Buffer
	resize := make(chan remotecommand.TerminalSize, 1)
	resize <- remotecommand.TerminalSize{Width: 123, Height: 45}
	close(resize)
	// stty asks the terminal its size; the resize may land before or after, so wait for it.
	command := exec.Command("sh", "-c", `test -t 0 && test -t 1 && echo on a terminal; `+
		`for i in 1 2 3 4 5 6 7 8 9 10; do s=$(stty size); [ "$s" = "45 123" ] && break; sleep 0.1; done; echo "size $s"; exit 5`)
	err := exitError(runWithTerminal(command, nil, nopCloser{&out}, resize, true))
	text := strings.ReplaceAll(out.String(), "\r\n", "\n")
	if exitCode(t, err) != 5 || text != "on a terminal\nsize 45 123\n" {
		t.Errorf("got %v, output %q", err, text)
	}
}

// An interactive shell in a session of its own (setsid --ctty, as ExecInContainer
// runs it where the container has setsid) exits with its own exit code.
func TestRunWithTerminalInteractiveShell(t *testing.T) {
	setsid, err := exec.LookPath("setsid")
	if err != nil {
		t.Skip("no setsid here")
	}
	var out bytes.Buffer
	command := exec.Command(setsid, "--ctty", "--wait", "--", "sh", "-i")
	err = exitError(runWithTerminal(command, strings.NewReader("echo in $((6*7))\nexit 5\n"), nopCloser{&out}, nil, false))
	if exitCode(t, err) != 5 || !strings.Contains(out.String(), "in 42") {
		t.Errorf("got %v, output %q", err, out.String())
	}
}
