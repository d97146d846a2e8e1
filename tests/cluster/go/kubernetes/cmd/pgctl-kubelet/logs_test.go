package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A log of four lines, the third written in two parts with a stderr line between them.
const sampleLog = `2026-12-04T16:05:39.000000001Z stdout F first line
2026-12-04T16:05:40.5Z stderr F an error
2026-12-04T16:05:41.000000003Z stdout P third, 
2026-12-04T16:05:41.100000000Z stderr F between
not a log line at all
2026-12-04T16:05:41.200000000Z stdout P continued, 
2026-12-04T16:05:41.300000000Z stdout F ended
2026-12-04T16:05:42.000000004Z stdout F 
2026-12-04T16:05:43.000000005Z stdout F last line
`

func writeLog(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "0.log")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func noFollow(over bool) logFollower {
	return logFollower{
		ended: func() (bool, error) { return over, nil },
		wait:  func(context.Context) {},
		flush: func() {},
	}
}

func readLog(t *testing.T, path string, query string, follower logFollower) string {
	t.Helper()
	values, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := parseLogOptions(values, time.Date(2026, 12, 4, 16, 5, 44, 0, time.UTC))
	if err != nil {
		t.Fatalf("parseLogOptions(%q): %v", query, err)
	}
	var out bytes.Buffer
	if err := streamLog(context.Background(), path, newLogWriter(&out, &opts), follower); err != nil {
		t.Fatalf("streamLog(%q): %v", query, err)
	}
	return out.String()
}

func TestParseCRILine(t *testing.T) {
	l, err := parseCRILine([]byte("2026-12-04T16:05:39.123456789Z stderr P  two spaces"))
	if err != nil || l.stream != "stderr" || !l.partial || string(l.content) != " two spaces" ||
		!l.timestamp.Equal(time.Date(2026, 12, 4, 16, 5, 39, 123456789, time.UTC)) {
		t.Errorf("got %+v, %v", l, err)
	}
	l, err = parseCRILine([]byte("2026-12-04T16:05:39Z stdout F:x"))
	if err != nil || l.partial || len(l.content) != 0 {
		t.Errorf("tag with more and no text: got %+v, %v", l, err)
	}
	for _, bad := range []string{"", "2026-12-04T16:05:39Z stdout", "yesterday stdout F x", "2026-12-04T16:05:39Z stdin F x", "2026-12-04T16:05:39Z stdout X x"} {
		if _, err := parseCRILine([]byte(bad)); err == nil {
			t.Errorf("parseCRILine(%q) succeeded", bad)
		}
	}
}

func TestLogsWhole(t *testing.T) {
	path := writeLog(t, sampleLog)
	want := "first line\nan error\nbetween\nthird, continued, ended\n\nlast line\n"
	if got := readLog(t, path, "", noFollow(true)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLogsOptions(t *testing.T) {
	path := writeLog(t, sampleLog)
	for _, c := range []struct{ query, want string }{
		{"tailLines=2", "\nlast line\n"},
		{"tailLines=3", "third, continued, ended\n\nlast line\n"},
		{"tail=1", "last line\n"},
		{"tail=all", "first line\nan error\nbetween\nthird, continued, ended\n\nlast line\n"},
		{"tailLines=0", ""},
		{"tailLines=100&stream=Stderr", "an error\nbetween\n"},
		{"stream=Stdout&tailLines=2", "\nlast line\n"},
		{"timestamps=true&tailLines=2",
			"2026-12-04T16:05:42.000000004Z \n2026-12-04T16:05:43.000000005Z last line\n"},
		{"timestamps=true&stream=Stderr", "2026-12-04T16:05:40.500000000Z an error\n2026-12-04T16:05:41.100000000Z between\n"},
		{"timestamps=true&tailLines=2&limitBytes=40", "2026-12-04T16:05:42.000000004Z \n2026-12-"},
		{"limitBytes=13", "first line\nan"},
		{"limitBytes=11", "first line\n"},
		{"sinceSeconds=3", "between\nthird, continued, ended\n\nlast line\n"}, // now is 16:05:44
		{"sinceTime=2026-12-04T16:05:42Z", "\nlast line\n"},
		{"sinceTime=2026-12-04T16:05:42Z&tailLines=1", "last line\n"},
	} {
		if got := readLog(t, path, c.query, noFollow(true)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.query, got, c.want)
		}
	}
}

func TestLogsUnfinishedLastLine(t *testing.T) {
	content := "2026-12-04T16:05:39Z stdout F one\n2026-12-04T16:05:40Z stdout P two, \n2026-12-04T16:05:41Z stdout F thr"
	path := writeLog(t, content)
	// While the run goes on, its last line may still be being written: left out.
	if got := readLog(t, path, "", noFollow(false)); got != "one\n" {
		t.Errorf("running: got %q", got)
	}
	// Once the run is over, it is all there is.
	if got := readLog(t, path, "", noFollow(true)); got != "one\ntwo, thr" {
		t.Errorf("ended: got %q", got)
	}
	if got := readLog(t, path, "tailLines=1", noFollow(true)); got != "two, thr" {
		t.Errorf("ended, tail 1: got %q", got)
	}
	// A partial line that never got its end.
	path = writeLog(t, "2026-12-04T16:05:39Z stdout F one\n2026-12-04T16:05:40Z stderr P cut \n")
	if got := readLog(t, path, "", noFollow(true)); got != "one\ncut " {
		t.Errorf("ended with a partial line: got %q", got)
	}
}

func TestLogsMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "3.log")
	if got := readLog(t, path, "", noFollow(true)); got != "" {
		t.Errorf("got %q", got)
	}
}

// Following: lines the run adds while it runs, including those written right before
// it ended, then the end.
func TestLogsFollow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "0.log")
	appendLine := func(line string) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(line); err != nil {
			t.Fatal(err)
		}
	}
	// The file does not exist yet when following starts.
	steps := []func(){
		func() {},
		func() { appendLine("2026-12-04T16:05:39Z stdout F one\n2026-12-04T16:05:40Z stdout F two\n") },
		func() { appendLine("2026-12-04T16:05:41Z stdout P thr") }, // half a line
		func() { appendLine("ee, \n2026-12-04T16:05:42Z stdout F four\n") },
		func() { appendLine("2026-12-04T16:05:43Z stderr F five\n") },
	}
	step, over, flushes := 0, false, 0
	follower := logFollower{
		ended: func() (bool, error) { return over, nil },
		wait: func(context.Context) {
			steps[step]()
			step++
			if step == len(steps) {
				// The last lines land just before the run is marked over.
				appendLine("2026-12-04T16:05:44Z stdout F six\n2026-12-04T16:05:45Z stdout F seven")
				over = true
			}
		},
		flush: func() { flushes++ },
	}
	got := readLog(t, path, "follow=true&tailLines=1", follower)
	// tailLines applies to what is there when following begins (nothing).
	want := "one\ntwo\nthree, four\nfive\nsix\nseven"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if flushes == 0 {
		t.Error("never flushed")
	}

	// Following a log that exists: its last line first, then what comes.
	path = writeLog(t, "2026-12-04T16:05:39Z stdout F old\n2026-12-04T16:05:40Z stdout F older\n")
	over = false
	follower.wait = func(context.Context) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, _ = f.WriteString("2026-12-04T16:05:41Z stdout F new\n")
		over = true
	}
	if got := readLog(t, path, "follow=true&tailLines=1", follower); got != "older\nnew\n" {
		t.Errorf("got %q", got)
	}
}

// A client that goes away ends following.
func TestLogsFollowEndsWithTheClient(t *testing.T) {
	path := writeLog(t, "2026-12-04T16:05:39Z stdout F one\n")
	ctx, cancel := context.WithCancel(context.Background())
	follower := logFollower{
		ended: func() (bool, error) { return false, nil },
		wait:  func(context.Context) { cancel() },
		flush: func() {},
	}
	opts := logOptions{follow: true, tailLines: -1, limitBytes: -1, stdout: true, stderr: true}
	var out bytes.Buffer
	done := make(chan error)
	go func() { done <- streamLog(ctx, path, newLogWriter(&out, &opts), follower) }()
	select {
	case err := <-done:
		if err != nil || out.String() != "one\n" {
			t.Errorf("got %q, %v", out.String(), err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("following did not end with the client")
	}
}

func TestParseLogOptions(t *testing.T) {
	now := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
	values, _ := url.ParseQuery("follow=true&previous=1&timestamps=false&tailLines=5&limitBytes=100&sinceSeconds=60")
	opts, err := parseLogOptions(values, now)
	if err != nil || !opts.follow || !opts.previous || opts.timestamps || opts.tailLines != 5 || opts.limitBytes != 100 ||
		!opts.since.Equal(now.Add(-time.Minute)) || !opts.stdout || !opts.stderr {
		t.Errorf("got %+v, %v", opts, err)
	}
	opts, err = parseLogOptions(url.Values{}, now)
	if err != nil || opts.tailLines != -1 || opts.limitBytes != -1 || !opts.since.IsZero() {
		t.Errorf("defaults: got %+v, %v", opts, err)
	}
	for _, bad := range []string{"follow=maybe", "tailLines=-1", "tailLines=x", "limitBytes=0", "sinceSeconds=0",
		"sinceTime=yesterday", "sinceSeconds=5&sinceTime=2026-12-04T16:00:00Z", "stream=stdin"} {
		values, _ := url.ParseQuery(bad)
		if _, err := parseLogOptions(values, now); err == nil {
			t.Errorf("%s: accepted", bad)
		} else if !strings.Contains(err.Error(), "query parameter") && !strings.Contains(err.Error(), "at most one") {
			t.Errorf("%s: unclear error %v", bad, err)
		}
	}
}
