package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// podState is what pgctl-pod-runner records of a pod it runs, in
// STATE_DIR/<namespace>_<pod>_<first 8 characters of the uid>/pod.json (replaced
// atomically on every change).
type podState struct {
	Namespace  string                    `json:"namespace"`
	Name       string                    `json:"name"`
	UID        string                    `json:"uid"`
	Netns      string                    `json:"netns"`
	IP         string                    `json:"ip"`
	Containers map[string]containerState `json:"containers"`

	// Not in the file: where it was read and when it was written.
	file    string
	modTime time.Time
}

// containerState is one container of a podState.
type containerState struct {
	Running bool `json:"running"`
	// A host pid of a process of the container (PID 1 of the pod's PID namespace),
	// present only while Running.
	PID          int `json:"pid"`
	RestartCount int `json:"restartCount"`
	// Holds RESTART_COUNT.log for each run, in the kubelet's CRI log format.
	LogDir string `json:"logDir"`
}

// notFoundError is answered with 404.
type notFoundError struct{ message string }

func (e *notFoundError) Error() string { return e.message }

func notFound(format string, args ...any) error {
	return &notFoundError{message: fmt.Sprintf(format, args...)}
}

// badRequestError is answered with 400 (the kubelet's status for a container
// whose logs cannot be shown).
type badRequestError struct{ message string }

func (e *badRequestError) Error() string { return e.message }

func badRequest(format string, args ...any) error {
	return &badRequestError{message: fmt.Sprintf(format, args...)}
}

// findPod returns the runner's record of pod NAMESPACE/NAME: the one with UID if
// uid is given, else the most recently written one (several can exist for a
// moment when a pod is re-created with a new uid).
func findPod(stateDir, namespace, name, uid string) (*podState, error) {
	entries, err := os.ReadDir(stateDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reading the pod runner's state directory: %w", err)
	}
	// Namespace and pod names cannot contain '_', so the prefix is unambiguous.
	prefix := namespace + "_" + name + "_"
	var candidates []*podState
	for _, entry := range entries {
		if !entry.IsDir() || !strings.HasPrefix(entry.Name(), prefix) {
			continue
		}
		pod, err := readPodState(filepath.Join(stateDir, entry.Name(), "pod.json"))
		if errors.Is(err, os.ErrNotExist) {
			continue // a directory the runner is setting up or tearing down
		}
		if err != nil {
			return nil, err
		}
		if pod.Namespace != namespace || pod.Name != name {
			continue
		}
		if uid != "" && pod.UID != uid {
			continue
		}
		candidates = append(candidates, pod)
	}
	if len(candidates) == 0 {
		if uid != "" {
			return nil, notFound("pod %s/%s with uid %s is not run by pgctl-pod-runner (its lifecycle is kwok's, or it is gone)", namespace, name, uid)
		}
		return nil, notFound("pod %s/%s is not run by pgctl-pod-runner (its lifecycle is kwok's, or it is gone)", namespace, name)
	}
	sort.Slice(candidates, func(i, j int) bool {
		if !candidates[i].modTime.Equal(candidates[j].modTime) {
			return candidates[i].modTime.After(candidates[j].modTime)
		}
		return candidates[i].file < candidates[j].file
	})
	return candidates[0], nil
}

func readPodState(file string) (*podState, error) {
	// One open file for both, as the runner replaces pod.json by renaming a new one over it.
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	pod := &podState{}
	if err := json.Unmarshal(data, pod); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", file, err)
	}
	pod.file = file
	pod.modTime = info.ModTime()
	return pod, nil
}

// container returns the named container of the pod.
func (p *podState) container(name string) (containerState, error) {
	c, ok := p.Containers[name]
	if !ok {
		names := make([]string, 0, len(p.Containers))
		for n := range p.Containers {
			names = append(names, n)
		}
		sort.Strings(names)
		return containerState{}, notFound("container %q of pod %s/%s is not run by pgctl-pod-runner (it runs: %s)",
			name, p.Namespace, p.Name, strings.Join(names, ", "))
	}
	return c, nil
}

// reread returns the current record of the same pod (same uid), or nil once it is gone.
func (p *podState) reread() (*podState, error) {
	pod, err := readPodState(p.file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if pod.UID != p.UID {
		return nil, nil
	}
	return pod, nil
}
