package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"time"
)

// The timestamp of timestamps=true: nanoseconds always nine digits, as the kubelet writes it.
const timestampFormat = "2006-01-02T15:04:05.000000000Z07:00"

// logOptions are the query parameters of /containerLogs (those of v1.PodLogOptions
// that reach the kubelet).
type logOptions struct {
	follow     bool
	previous   bool
	timestamps bool
	tailLines  int64     // -1: every line
	limitBytes int64     // -1: no limit
	since      time.Time // zero: from the start
	stdout     bool      // stream=Stdout or All
	stderr     bool      // stream=Stderr or All
}

func parseLogOptions(query url.Values, now time.Time) (logOptions, error) {
	opts := logOptions{tailLines: -1, limitBytes: -1, stdout: true, stderr: true}
	var err error
	for name, target := range map[string]*bool{"follow": &opts.follow, "previous": &opts.previous, "timestamps": &opts.timestamps} {
		if value := query.Get(name); value != "" {
			if *target, err = strconv.ParseBool(value); err != nil {
				return opts, fmt.Errorf("query parameter %s: %q is not a boolean", name, value)
			}
		}
	}
	positive := func(name string, min int64) (int64, bool, error) {
		value := query.Get(name)
		if value == "" {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < min {
			return 0, false, fmt.Errorf("query parameter %s: %q is not a number of at least %d", name, value, min)
		}
		return n, true, nil
	}
	// "tail" is the kubelet's older name of tailLines; "all" means every line.
	tailName := "tailLines"
	if query.Get("tail") != "" {
		tailName = "tail"
	}
	if query.Get(tailName) != "all" {
		n, set, err := positive(tailName, 0)
		if err != nil {
			return opts, err
		}
		if set {
			opts.tailLines = n
		}
	}
	if n, set, err := positive("limitBytes", 1); err != nil {
		return opts, err
	} else if set {
		opts.limitBytes = n
	}
	seconds, sinceSecondsSet, err := positive("sinceSeconds", 1)
	if err != nil {
		return opts, err
	}
	if value := query.Get("sinceTime"); value != "" {
		if sinceSecondsSet {
			return opts, fmt.Errorf("at most one of sinceSeconds and sinceTime may be given")
		}
		if opts.since, err = time.Parse(time.RFC3339Nano, value); err != nil {
			return opts, fmt.Errorf("query parameter sinceTime: %q is not an RFC 3339 time", value)
		}
	} else if sinceSecondsSet {
		opts.since = now.Add(-time.Duration(seconds) * time.Second)
	}
	switch stream := query.Get("stream"); stream {
	case "", "All":
	case "Stdout":
		opts.stderr = false
	case "Stderr":
		opts.stdout = false
	default:
		return opts, fmt.Errorf("query parameter stream: %q is none of All, Stdout, Stderr", stream)
	}
	return opts, nil
}

// wants says whether a record passes the stream and since filters.
func (o *logOptions) wants(record *logRecord) bool {
	if record.stream == "stdout" && !o.stdout || record.stream == "stderr" && !o.stderr {
		return false
	}
	return !record.timestamp.Before(o.since)
}

// criLine is one line of a CRI log file:
//
//	2026-12-04T16:05:39.123456789Z stdout F text
//
// F marks a full line, P the part of a longer one that continues in the next line
// of the same stream.
type criLine struct {
	timestamp time.Time
	stream    string
	partial   bool
	content   []byte // without the line's newline
}

func parseCRILine(line []byte) (criLine, error) {
	var l criLine
	fields := bytes.SplitN(line, []byte{' '}, 4)
	if len(fields) < 3 {
		return l, fmt.Errorf("not a CRI log line (timestamp, stream, tag, text): %q", truncate(line))
	}
	var err error
	if l.timestamp, err = time.Parse(time.RFC3339Nano, string(fields[0])); err != nil {
		return l, fmt.Errorf("not a CRI log line: bad timestamp %q", truncate(fields[0]))
	}
	l.stream = string(fields[1])
	if l.stream != "stdout" && l.stream != "stderr" {
		return l, fmt.Errorf("not a CRI log line: stream %q is neither stdout nor stderr", truncate(fields[1]))
	}
	// The tag may carry more, colon-separated; the first field is P or F.
	tag, _, _ := bytes.Cut(fields[2], []byte{':'})
	switch string(tag) {
	case "P":
		l.partial = true
	case "F":
	default:
		return l, fmt.Errorf("not a CRI log line: tag %q is neither P nor F", truncate(fields[2]))
	}
	if len(fields) == 4 {
		l.content = fields[3]
	}
	return l, nil
}

func truncate(b []byte) []byte {
	if len(b) > 80 {
		return b[:80]
	}
	return b
}

// logRecord is one line of output: the P lines of a stream joined with the F line
// that ends them, with the timestamp of the first.
type logRecord struct {
	timestamp time.Time
	stream    string
	text      []byte // ends in '\n' unless the run ended in the middle of the line
}

// criReader reads the records of a CRI log file that may still grow.
type criReader struct {
	r       *bufio.Reader
	pending []byte                // a line whose newline has not been written yet
	partial map[string]*logRecord // per stream: the P lines so far
	skipped int                   // lines that were not CRI log lines
}

func newCRIReader(r io.Reader) *criReader {
	return &criReader{r: bufio.NewReaderSize(r, 64*1024), partial: map[string]*logRecord{}}
}

// next returns the next complete record, or nil when what was written so far is read.
func (c *criReader) next() (*logRecord, error) {
	for {
		chunk, err := c.r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			c.pending = append(c.pending, chunk...)
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		line := chunk[:len(chunk)-1]
		if len(c.pending) > 0 {
			line = append(c.pending, line...)
			c.pending = nil
		}
		if record := c.add(line); record != nil {
			return record, nil
		}
	}
}

// add takes one line; it returns the record that the line completes, if any.
func (c *criReader) add(line []byte) *logRecord {
	l, err := parseCRILine(line)
	if err != nil {
		c.skipped++
		return nil
	}
	record := c.partial[l.stream]
	if record == nil {
		record = &logRecord{timestamp: l.timestamp, stream: l.stream}
	}
	record.text = append(record.text, l.content...)
	if l.partial {
		c.partial[l.stream] = record
		return nil
	}
	delete(c.partial, l.stream)
	record.text = append(record.text, '\n')
	return record
}

// rest returns, at the end of a run, what is left: a last line without its newline
// and lines whose P parts never got their F, oldest first.
func (c *criReader) rest() []*logRecord {
	if len(c.pending) > 0 {
		if record := c.add(c.pending); record != nil {
			// The F line itself was complete but for its newline.
			record.text = record.text[:len(record.text)-1]
			c.pending = nil
			return append([]*logRecord{record}, c.rest()...)
		}
		c.pending = nil
	}
	var records []*logRecord
	for _, stream := range []string{"stdout", "stderr"} {
		if record := c.partial[stream]; record != nil {
			records = append(records, record)
			delete(c.partial, stream)
		}
	}
	if len(records) == 2 && records[1].timestamp.Before(records[0].timestamp) {
		records[0], records[1] = records[1], records[0]
	}
	return records
}

// errLimitReached ends the output once limitBytes are written.
var errLimitReached = errors.New("limitBytes reached")

// logWriter writes records as the options say: filtered, with timestamps, up to limitBytes.
type logWriter struct {
	out       io.Writer
	opts      *logOptions
	remaining int64 // bytes left under limitBytes; -1: no limit
	written   int64
}

func newLogWriter(out io.Writer, opts *logOptions) *logWriter {
	return &logWriter{out: out, opts: opts, remaining: opts.limitBytes}
}

func (w *logWriter) write(record *logRecord) error {
	if !w.opts.wants(record) {
		return nil
	}
	line := record.text
	if w.opts.timestamps {
		line = append([]byte(record.timestamp.Format(timestampFormat)+" "), line...)
	}
	if w.remaining >= 0 && int64(len(line)) > w.remaining {
		line = line[:w.remaining]
	}
	n, err := w.out.Write(line)
	w.written += int64(n)
	if w.remaining >= 0 {
		w.remaining -= int64(n)
	}
	if err != nil {
		return err
	}
	if w.remaining == 0 {
		return errLimitReached
	}
	return nil
}

// logFollower is what streamLog needs to follow a log: whether the run writing it
// has ended, a way to wait for news, and a way to push written output to the client.
type logFollower struct {
	ended func() (bool, error)
	wait  func(context.Context)
	flush func()
}

// streamLog writes the records of the CRI log file at path to w. With follow set it
// then keeps writing what the run adds until follower.ended says the run is over
// (what it wrote before is written too) or ctx ends. A file that does not exist
// (yet) is waited for while following, and empty otherwise.
func streamLog(ctx context.Context, path string, w *logWriter, follower logFollower) error {
	err := streamLogRecords(ctx, path, w, follower)
	if errors.Is(err, errLimitReached) {
		return nil
	}
	return err
}

func streamLogRecords(ctx context.Context, path string, w *logWriter, follower logFollower) error {
	opts := w.opts
	// Lines of a file that appears while following are all new: no tail of them.
	tailLines := opts.tailLines
	var file *os.File
	for {
		var err error
		file, err = os.Open(path)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("opening the log file: %w", err)
		}
		if !opts.follow {
			return nil
		}
		ended, err := follower.ended()
		if err != nil {
			return err
		}
		if ended {
			// It may have been created just before the end.
			if file, err = os.Open(path); err != nil {
				return nil
			}
			break
		}
		tailLines = -1
		follower.wait(ctx)
		if ctx.Err() != nil {
			return nil
		}
	}
	defer file.Close()
	reader := newCRIReader(file)

	// What is there now, or its last tailLines lines. Without follow, a run that is
	// over also has its last line counted if it lacks the newline.
	var tail []*logRecord // a ring of the last tailLines records; next is the oldest once full
	next := 0
	take := func(record *logRecord) error {
		if tailLines < 0 {
			return w.write(record)
		}
		if !opts.wants(record) || tailLines == 0 {
			return nil
		}
		if int64(len(tail)) < tailLines {
			tail = append(tail, record)
			return nil
		}
		tail[next] = record
		next = (next + 1) % len(tail)
		return nil
	}
	for {
		record, err := reader.next()
		if err != nil {
			return fmt.Errorf("reading the log file: %w", err)
		}
		if record == nil {
			break
		}
		if err := take(record); err != nil {
			return err
		}
	}
	if !opts.follow {
		ended, err := follower.ended()
		if err != nil {
			return err
		}
		if ended {
			for _, record := range reader.rest() {
				if err := take(record); err != nil {
					return err
				}
			}
		}
	}
	ordered := append(append(make([]*logRecord, 0, len(tail)), tail[next:]...), tail[:next]...)
	for _, record := range ordered {
		if err := w.write(record); err != nil {
			return err
		}
	}
	if !opts.follow {
		return nil
	}

	for {
		// Asked before reading, so that what the run wrote before it ended is read.
		ended, err := follower.ended()
		if err != nil {
			return err
		}
		for {
			record, err := reader.next()
			if err != nil {
				return fmt.Errorf("reading the log file: %w", err)
			}
			if record == nil {
				break
			}
			if err := w.write(record); err != nil {
				return err
			}
		}
		if ended {
			for _, record := range reader.rest() {
				if err := w.write(record); err != nil {
					return err
				}
			}
			return nil
		}
		follower.flush()
		follower.wait(ctx)
		if ctx.Err() != nil {
			return nil
		}
	}
}
