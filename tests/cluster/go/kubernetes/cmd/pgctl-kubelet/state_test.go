package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writePodState(t *testing.T, stateDir, dirName, body string, modTime time.Time) string {
	t.Helper()
	dir := filepath.Join(stateDir, dirName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "pod.json")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(file, modTime, modTime); err != nil {
		t.Fatal(err)
	}
	return file
}

const oldPod = `{"namespace": "team", "name": "acid-demo-0", "uid": "5c0e1a2b-0000-4000-8000-000000000001",
 "netns": "pgctl0-5c0e1a2b", "ip": "10.244.1.254",
 "containers": {"postgres": {"running": false, "restartCount": 3, "logDir": "/logs/old/postgres"}}}`

const newPod = `{"namespace": "team", "name": "acid-demo-0", "uid": "9f3d7c1e-0000-4000-8000-000000000002",
 "netns": "pgctl0-9f3d7c1e", "ip": "10.244.1.253",
 "containers": {"postgres": {"running": true, "pid": 4242, "restartCount": 0, "logDir": "/logs/new/postgres"}}}`

func TestFindPodPrefersTheUIDThenTheNewest(t *testing.T) {
	stateDir := t.TempDir()
	now := time.Now()
	writePodState(t, stateDir, "team_acid-demo-0_5c0e1a2b", oldPod, now.Add(-time.Minute))
	writePodState(t, stateDir, "team_acid-demo-0_9f3d7c1e", newPod, now)
	// Another pod whose name starts alike, a directory without pod.json, a stray file.
	writePodState(t, stateDir, "team_acid-demo-01_77777777",
		`{"namespace": "team", "name": "acid-demo-01", "uid": "77777777-x", "containers": {}}`, now.Add(time.Minute))
	if err := os.MkdirAll(filepath.Join(stateDir, "team_acid-demo-0_00000000"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stateDir, "team_acid-demo-0_file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}

	pod, err := findPod(stateDir, "team", "acid-demo-0", "")
	if err != nil {
		t.Fatal(err)
	}
	if pod.UID != "9f3d7c1e-0000-4000-8000-000000000002" || pod.Netns != "pgctl0-9f3d7c1e" {
		t.Errorf("without a uid: got %+v, want the newest record", pod)
	}
	c, err := pod.container("postgres")
	if err != nil || !c.Running || c.PID != 4242 || c.LogDir != "/logs/new/postgres" {
		t.Errorf("container: %+v, %v", c, err)
	}

	pod, err = findPod(stateDir, "team", "acid-demo-0", "5c0e1a2b-0000-4000-8000-000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if pod.Netns != "pgctl0-5c0e1a2b" || pod.Containers["postgres"].RestartCount != 3 {
		t.Errorf("with the old uid: got %+v", pod)
	}
}

func TestFindPodNotFound(t *testing.T) {
	stateDir := t.TempDir()
	writePodState(t, stateDir, "team_acid-demo-0_9f3d7c1e", newPod, time.Now())
	var notFoundErr *notFoundError
	for _, c := range []struct{ dir, namespace, name, uid, want string }{
		{stateDir, "team", "web-0", "", "pod team/web-0 is not run by pgctl-pod-runner (its lifecycle is kwok's"},
		{stateDir, "team", "acid-demo-0", "5c0e1a2b-0000-4000-8000-000000000001", "pod team/acid-demo-0 with uid 5c0e1a2b-0000-4000-8000-000000000001 is not run by pgctl-pod-runner"},
		{stateDir, "other", "acid-demo-0", "", "pod other/acid-demo-0 is not run"},
		{filepath.Join(stateDir, "missing"), "team", "acid-demo-0", "", "pod team/acid-demo-0 is not run"},
	} {
		_, err := findPod(c.dir, c.namespace, c.name, c.uid)
		if !errors.As(err, &notFoundErr) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("findPod(%s, %s, %q): %v, want a not-found error containing %q", c.namespace, c.name, c.uid, err, c.want)
		}
	}

	pod, err := findPod(stateDir, "team", "acid-demo-0", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = pod.container("sidecar")
	if !errors.As(err, &notFoundErr) || err.Error() != `container "sidecar" of pod team/acid-demo-0 is not run by pgctl-pod-runner (it runs: postgres)` {
		t.Errorf("container sidecar: %v", err)
	}
}

func TestFindPodReportsABrokenRecord(t *testing.T) {
	stateDir := t.TempDir()
	writePodState(t, stateDir, "team_acid-demo-0_9f3d7c1e", `{"namespace": `, time.Now())
	_, err := findPod(stateDir, "team", "acid-demo-0", "")
	var notFoundErr *notFoundError
	if err == nil || errors.As(err, &notFoundErr) || !strings.Contains(err.Error(), "parsing") {
		t.Errorf("got %v, want a parse error", err)
	}
}

func TestRereadFollowsTheRecordOfTheSameUID(t *testing.T) {
	stateDir := t.TempDir()
	file := writePodState(t, stateDir, "team_acid-demo-0_9f3d7c1e", newPod, time.Now())
	pod, err := findPod(stateDir, "team", "acid-demo-0", "")
	if err != nil {
		t.Fatal(err)
	}
	// The runner replaces the file: the container stopped.
	stopped := strings.Replace(newPod, `"running": true`, `"running": false`, 1)
	if err := os.WriteFile(file+".tmp", []byte(stopped), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(file+".tmp", file); err != nil {
		t.Fatal(err)
	}
	current, err := pod.reread()
	if err != nil || current == nil || current.Containers["postgres"].Running {
		t.Fatalf("reread: %+v, %v", current, err)
	}
	// Another uid in the same place, then nothing: the pod is gone.
	if err := os.WriteFile(file, []byte(oldPod), 0o644); err != nil {
		t.Fatal(err)
	}
	if current, err := pod.reread(); current != nil || err != nil {
		t.Errorf("reread after the uid changed: %+v, %v", current, err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if current, err := pod.reread(); current != nil || err != nil {
		t.Errorf("reread after removal: %+v, %v", current, err)
	}
}
