package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A state directory with pod team/demo-0, whose container postgres is in its second run.
func handlerFixture(t *testing.T) (*server, string, string) {
	t.Helper()
	root := t.TempDir()
	stateDir := filepath.Join(root, "pods")
	logDir := filepath.Join(root, "logs", "team_demo-0_5c0e1a2b-0000", "postgres")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for run, text := range []string{"first run\n", "second run\n"} {
		line := fmt.Sprintf("2026-12-04T16:05:3%dZ stdout F %s", run, text)
		if err := os.WriteFile(filepath.Join(logDir, fmt.Sprintf("%d.log", run)), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := writePodState(t, stateDir, "team_demo-0_5c0e1a2b", podJSON(logDir, true, 1), time.Now())
	return &server{stateDir: stateDir, ctx: context.Background()}, file, logDir
}

func podJSON(logDir string, running bool, restartCount int) string {
	return fmt.Sprintf(`{"namespace": "team", "name": "demo-0", "uid": "5c0e1a2b-0000", "netns": "pgctl0-5c0e1a2b",
 "containers": {"postgres": {"running": %t, "pid": 0, "restartCount": %d, "logDir": %q}}}`, running, restartCount, logDir)
}

func replace(t *testing.T, file, content string) {
	t.Helper()
	if err := os.WriteFile(file+".tmp", []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(file+".tmp", file); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, handler http.Handler, path string) (int, string) {
	t.Helper()
	recorder := httptest.NewRecorder()
	handler.ServeHTTP(recorder, httptest.NewRequest("GET", path, nil))
	return recorder.Code, recorder.Body.String()
}

func TestContainerLogsHandler(t *testing.T) {
	s, file, logDir := handlerFixture(t)
	mux := s.mux()
	for _, c := range []struct {
		path string
		code int
		body string
	}{
		{"/containerLogs/team/demo-0/postgres", 200, "second run\n"},
		{"/containerLogs/team/demo-0/postgres?previous=true&timestamps=true", 200, "2026-12-04T16:05:30.000000000Z first run\n"},
		{"/containerLogs/team/demo-0/postgres?tailLines=x", 400, `query parameter tailLines: "x" is not a number of at least 0` + "\n"},
		{"/containerLogs/team/web-0/postgres", 404, "pod team/web-0 is not run by pgctl-pod-runner (its lifecycle is kwok's, or it is gone)\n"},
		{"/containerLogs/team/demo-0/sidecar", 404, `container "sidecar" of pod team/demo-0 is not run by pgctl-pod-runner (it runs: postgres)` + "\n"},
	} {
		if code, body := get(t, mux, c.path); code != c.code || body != c.body {
			t.Errorf("GET %s: %d %q, want %d %q", c.path, code, body, c.code, c.body)
		}
	}

	// In a back-off, with no file of the next run yet: the last run.
	replace(t, file, podJSON(logDir, false, 2))
	if code, body := get(t, mux, "/containerLogs/team/demo-0/postgres"); code != 200 || body != "second run\n" {
		t.Errorf("in a back-off: %d %q", code, body)
	}
	// Never restarted: no previous run.
	replace(t, file, podJSON(logDir, true, 0))
	code, body := get(t, mux, "/containerLogs/team/demo-0/postgres?previous=true")
	if want := `previous terminated container "postgres" in pod "demo-0" not found` + "\n"; code != 400 || body != want {
		t.Errorf("previous of the first run: %d %q", code, body)
	}
}

func TestContainerLogsFollowEndsWithTheRun(t *testing.T) {
	s, file, logDir := handlerFixture(t)
	server := httptest.NewServer(s.mux())
	defer server.Close()
	resp, err := http.Get(server.URL + "/containerLogs/team/demo-0/postgres?follow=true")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	// The stream itself says when to go on: each line arrives before the next step.
	lines := make(chan string)
	go func() {
		defer close(lines)
		reader := bufio.NewReader(resp.Body)
		for {
			line, err := reader.ReadString('\n')
			if line != "" {
				lines <- line
			}
			if err != nil {
				return
			}
		}
	}()
	var body strings.Builder
	next := func(what string) (string, bool) {
		select {
		case line, ok := <-lines:
			body.WriteString(line)
			return line, ok
		case <-time.After(10 * time.Second):
			t.Fatalf("waited 10 s for %s; got %q", what, body.String())
			return "", false
		}
	}
	if line, _ := next("the run's first line"); line != "second run\n" {
		t.Fatalf("got %q", body.String())
	}
	f, err := os.OpenFile(filepath.Join(logDir, "1.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("2026-12-04T16:05:40Z stderr F more\n")
	f.Close()
	if line, _ := next("a line written while following"); line != "more\n" {
		t.Fatalf("got %q", body.String())
	}
	replace(t, file, podJSON(logDir, false, 1))
	if _, ok := next("the end of the stream once the run ended"); ok {
		t.Errorf("following went on after the run ended: %q", body.String())
	}
	if body.String() != "second run\nmore\n" {
		t.Errorf("got %q", body.String())
	}
}

func TestStreamingErrorsAreStatuses(t *testing.T) {
	s, _, _ := handlerFixture(t)
	mux := s.mux()
	for path, want := range map[string]string{
		"/exec/team/web-0/postgres?command=true&output=1":                "NotFound",
		"/exec/team/demo-0/postgres?command=true":                        "BadRequest", // no stream asked for
		"/exec/team/demo-0/postgres?output=1":                            "BadRequest", // no command
		"/exec/team/demo-0/5c0e1a2b-0000/postgres?command=true&output=1": "BadRequest", // pid 0
		"/portForward/team/demo-0/other-uid":                             "NotFound",
		"/portForward/team/demo-0":                                       "BadRequest", // no network namespace
	} {
		recorder := httptest.NewRecorder()
		mux.ServeHTTP(recorder, httptest.NewRequest("POST", path, nil))
		var status struct {
			Kind    string `json:"kind"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
			Code    int    `json:"code"`
		}
		if err := json.Unmarshal(recorder.Body.Bytes(), &status); err != nil || status.Kind != "Status" ||
			status.Reason != want || status.Code != recorder.Code || status.Message == "" {
			t.Errorf("POST %s: %d %q, want a Status with reason %s", path, recorder.Code, recorder.Body.String(), want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	handler := authorize(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("in")) }))
	request := func(subject *pkix.Name) *http.Request {
		r := httptest.NewRequest("GET", "/containerLogs/team/demo-0/postgres", nil)
		if subject != nil {
			r.TLS = &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{{Subject: *subject}}}}
		}
		return r
	}
	for _, c := range []struct {
		subject *pkix.Name
		code    int
	}{
		{nil, 401},
		{&pkix.Name{CommonName: "kube-apiserver-kubelet-client"}, 200},
		{&pkix.Name{CommonName: "pgctl-admin", Organization: []string{"system:masters"}}, 200},
		{&pkix.Name{CommonName: "someone"}, 403},
	} {
		recorder := httptest.NewRecorder()
		handler.ServeHTTP(recorder, request(c.subject))
		if recorder.Code != c.code || c.code == 403 && strings.Contains(recorder.Body.String(), ": ") {
			t.Errorf("%v: %d %q, want %d (without a colon)", c.subject, recorder.Code, recorder.Body.String(), c.code)
		}
	}
}

func TestAuthorized(t *testing.T) {
	for _, c := range []struct {
		subject pkix.Name
		want    bool
	}{
		{pkix.Name{CommonName: "kube-apiserver-kubelet-client"}, true},
		{pkix.Name{CommonName: "kube-apiserver-kubelet-client", Organization: []string{"system:masters"}}, true},
		{pkix.Name{CommonName: "pgctl-admin", Organization: []string{"system:masters"}}, true},
		{pkix.Name{CommonName: "system:kube-scheduler"}, false},
		{pkix.Name{CommonName: "someone", Organization: []string{"system:nodes", "system:masters-not"}}, false},
	} {
		if got := authorized(&x509.Certificate{Subject: c.subject}); got != c.want {
			t.Errorf("authorized(%v) = %v, want %v", c.subject, got, c.want)
		}
	}
}
