// pgctl-kubelet serves the kubelet API of the fake nodes of the test cluster of
// tests/cluster for the pods that pgctl-pod-runner runs, so that `kubectl logs`,
// `kubectl exec` and `kubectl port-forward` work through the API server:
//
//	GET       /containerLogs/{namespace}/{pod}/{container}
//	GET|POST  /exec/{namespace}/{pod}[/{uid}]/{container}?command=...
//	GET|POST  /portForward/{namespace}/{pod}[/{uid}]
//
// It learns about the pods from the runner's state directory (a pod.json per pod:
// network namespace, container processes, log directories); commands run in a
// container's namespaces through nsenter, port-forward connects to localhost in
// the pod's network namespace, and logs are read from the CRI-format files the
// runner writes. The streaming protocols (SPDY and WebSocket, as negotiated by the
// kubelet) are those of k8s.io/kubelet/pkg/cri/streaming.
//
// It serves HTTPS on --port at every --address (the nodes' InternalIPs), requires
// client certificates signed by --client-ca-file and lets in only the API server
// (CN kube-apiserver-kubelet-client) and group system:masters. /healthz is served
// over plain HTTP on --healthz-address only.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	remotecommandconsts "k8s.io/apimachinery/pkg/util/remotecommand"
	"k8s.io/kubelet/pkg/cri/streaming/portforward"
	"k8s.io/kubelet/pkg/cri/streaming/remotecommand"
)

const (
	// The identity the API server uses towards kubelets (--kubelet-client-certificate).
	apiServerClientName = "kube-apiserver-kubelet-client"
	mastersGroup        = "system:masters"

	// The kubelet's defaults (streamingConnectionIdleTimeout, stream creation).
	streamIdleTimeout     = 4 * time.Hour
	streamCreationTimeout = remotecommandconsts.DefaultStreamCreationTimeout

	// How often a followed log is looked at when no file event came.
	followPollInterval = 500 * time.Millisecond
)

type server struct {
	stateDir string
	// Ends the commands of exec sessions when the server stops.
	ctx context.Context
}

type addressList []string

func (a *addressList) String() string     { return strings.Join(*a, ",") }
func (a *addressList) Set(v string) error { *a = append(*a, v); return nil }

func main() {
	var addresses addressList
	flag.Var(&addresses, "address", "IP address to serve the kubelet API on (repeatable: one listener each)")
	port := flag.Int("port", 10250, "port of the kubelet API")
	certFile := flag.String("tls-cert-file", "", "serving certificate (PEM)")
	keyFile := flag.String("tls-private-key-file", "", "key of the serving certificate (PEM)")
	clientCAFile := flag.String("client-ca-file", "", "CA that signs the client certificates (required of every client)")
	stateDir := flag.String("state-dir", "", "pgctl-pod-runner's state directory (a pod.json per pod)")
	healthzAddress := flag.String("healthz-address", "", "HOST:PORT to serve /healthz on, over plain HTTP (optional)")
	flag.Parse()
	if len(addresses) == 0 || *certFile == "" || *keyFile == "" || *clientCAFile == "" || *stateDir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: pgctl-kubelet --address IP [--address IP...] [--port 10250] --tls-cert-file FILE --tls-private-key-file FILE --client-ca-file FILE --state-dir DIR [--healthz-address HOST:PORT]")
		os.Exit(2)
	}

	tlsConfig, err := serverTLSConfig(*certFile, *keyFile, *clientCAFile)
	if err != nil {
		fatal("%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	s := &server{stateDir: *stateDir, ctx: ctx}
	api := &http.Server{
		Handler:           s.routes(),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 30 * time.Second,
		// HTTP/1.1 only: exec and port-forward upgrade the connection.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	errs := make(chan error, len(addresses)+1)
	for _, address := range addresses {
		listenAddress := net.JoinHostPort(address, strconv.Itoa(*port))
		listener, err := net.Listen("tcp", listenAddress)
		if err != nil {
			fatal("listening on %s: %v", listenAddress, err)
		}
		logf("serving the kubelet API on https://%s", listenAddress)
		go func() { errs <- api.ServeTLS(listener, "", "") }()
	}
	var health *http.Server
	if *healthzAddress != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
		health = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		listener, err := net.Listen("tcp", *healthzAddress)
		if err != nil {
			fatal("listening on %s: %v", *healthzAddress, err)
		}
		logf("serving /healthz on http://%s", *healthzAddress)
		go func() { errs <- health.Serve(listener) }()
	}

	select {
	case <-ctx.Done():
		logf("stopping")
	case err := <-errs:
		fatal("serving: %v", err)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = api.Shutdown(shutdown)
	if health != nil {
		_ = health.Shutdown(shutdown)
	}
}

func serverTLSConfig(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	certificate, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading the serving certificate %s and its key: %w", certFile, err)
	}
	caPEM, err := os.ReadFile(clientCAFile)
	if err != nil {
		return nil, fmt.Errorf("reading the client CA: %w", err)
	}
	clientCAs := x509.NewCertPool()
	if !clientCAs.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no PEM certificate in the client CA file %s", clientCAFile)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{certificate},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCAs,
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	}, nil
}

func (s *server) routes() http.Handler {
	return authorize(s.mux())
}

func (s *server) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /containerLogs/{namespace}/{pod}/{container}", s.containerLogs)
	for _, method := range []string{"GET", "POST"} {
		mux.HandleFunc(method+" /exec/{namespace}/{pod}/{container}", s.exec)
		mux.HandleFunc(method+" /exec/{namespace}/{pod}/{uid}/{container}", s.exec)
		mux.HandleFunc(method+" /portForward/{namespace}/{pod}", s.portForward)
		mux.HandleFunc(method+" /portForward/{namespace}/{pod}/{uid}", s.portForward)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	return mux
}

// authorized says whether the verified client certificate chain's leaf may use
// the API: the API server's kubelet client, or a member of system:masters.
func authorized(certificate *x509.Certificate) bool {
	return certificate.Subject.CommonName == apiServerClientName ||
		slices.Contains(certificate.Subject.Organization, mastersGroup)
}

func authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			http.Error(w, "Unauthorized (a client certificate is required)", http.StatusUnauthorized)
			return
		}
		client := r.TLS.VerifiedChains[0][0]
		if !authorized(client) {
			logf("refused %s %s of %q", r.Method, r.URL.Path, client.Subject.CommonName)
			// No colon in the text: streaming clients would read it as YAML.
			http.Error(w, fmt.Sprintf("Forbidden (user=%s, verb=%s, path=%s), only %s and group %s may use pgctl-kubelet",
				client.Subject.CommonName, strings.ToLower(r.Method), r.URL.Path, apiServerClientName, mastersGroup), http.StatusForbidden)
			return
		}
		// The path names pod and container; the query is not logged (an exec command
		// line can hold a password).
		logf("%s %s (%s)", r.Method, r.URL.Path, client.Subject.CommonName)
		next.ServeHTTP(w, r)
	})
}

// writeError answers with the status an error calls for, in plain text as the
// kubelet does (the API server passes the text of a failed log request on).
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, _ := errorStatus(r, err)
	http.Error(w, err.Error(), status)
}

// writeStreamError answers a request to upgrade the connection (exec,
// port-forward) that fails: with a v1 Status, which the streaming clients decode
// (they would read a plain text with a colon as YAML).
func writeStreamError(w http.ResponseWriter, r *http.Request, err error) {
	code, reason := errorStatus(r, err)
	body, _ := json.Marshal(&metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   metav1.StatusFailure,
		Message:  err.Error(),
		Reason:   reason,
		Code:     int32(code),
	})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

func errorStatus(r *http.Request, err error) (int, metav1.StatusReason) {
	var notFoundErr *notFoundError
	var badRequestErr *badRequestError
	switch {
	case errors.As(err, &notFoundErr):
		return http.StatusNotFound, metav1.StatusReasonNotFound
	case errors.As(err, &badRequestErr):
		return http.StatusBadRequest, metav1.StatusReasonBadRequest
	default:
		logf("%s %s: %v", r.Method, r.URL.Path, err)
		return http.StatusInternalServerError, metav1.StatusReasonInternalError
	}
}

// lookup finds the pod and container of a request.
func (s *server) lookup(r *http.Request, withContainer bool) (*podState, containerState, error) {
	pod, err := findPod(s.stateDir, r.PathValue("namespace"), r.PathValue("pod"), r.PathValue("uid"))
	if err != nil || !withContainer {
		return pod, containerState{}, err
	}
	container, err := pod.container(r.PathValue("container"))
	return pod, container, err
}

func (s *server) containerLogs(w http.ResponseWriter, r *http.Request) {
	opts, err := parseLogOptions(r.URL.Query(), time.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pod, container, err := s.lookup(r, true)
	if err != nil {
		writeError(w, r, err)
		return
	}
	name := r.PathValue("container")
	if container.LogDir == "" {
		writeError(w, r, badRequest("container %q in pod %q has no log directory recorded", name, pod.Name))
		return
	}
	run := container.RestartCount
	following := opts.follow && container.Running
	switch {
	case opts.previous:
		run--
		if !container.Running && !fileExists(logFile(container.LogDir, run+1)) {
			// Waiting to restart (a back-off): the latest run is the one that just ended,
			// which plain logs show; the previous one is the run before it, as with a kubelet.
			run--
		}
		following = false
		if run < 0 || !fileExists(logFile(container.LogDir, run)) {
			// The kubelet's wording.
			writeError(w, r, badRequest("previous terminated container %q in pod %q not found", name, pod.Name))
			return
		}
	case !following && !fileExists(logFile(container.LogDir, run)):
		// Not running and no file of this run: the last run that ended, as the kubelet
		// shows a waiting container's last termination.
		if container.Running || run < 1 || !fileExists(logFile(container.LogDir, run-1)) {
			writeError(w, r, badRequest("container %q in pod %q is waiting to start - no logs yet", name, pod.Name))
			return
		}
		run--
	}
	opts.follow = following

	controller := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// A run still going may be in the middle of writing its last line.
	over := opts.previous || !container.Running
	follower := logFollower{
		ended: func() (bool, error) { return over, nil },
		wait:  func(context.Context) {},
		flush: func() { _ = controller.Flush() },
	}
	if following {
		follower.ended = func() (bool, error) {
			current, err := pod.reread()
			if err != nil || current == nil {
				return true, err
			}
			c, ok := current.Containers[name]
			return !ok || !c.Running || c.RestartCount != run, nil
		}
		wait, closeWatch := watchDirs(container.LogDir, filepath.Dir(pod.file))
		defer closeWatch()
		follower.wait = wait
		// The headers now, so that the client sees the stream begin.
		w.WriteHeader(http.StatusOK)
		follower.flush()
	}
	writer := newLogWriter(w, &opts)
	if err := streamLog(r.Context(), logFile(container.LogDir, run), writer, follower); err != nil {
		if writer.written == 0 && !following {
			writeError(w, r, err)
			return
		}
		if r.Context().Err() == nil { // not just the client going away
			logf("%s %s: %v", r.Method, r.URL.Path, err)
		}
	}
}

func logFile(dir string, run int) string {
	return filepath.Join(dir, fmt.Sprintf("%d.log", run))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// watchDirs returns a wait function that returns when something changes in one of
// dirs, after followPollInterval at the latest, or when its context ends.
func watchDirs(dirs ...string) (wait func(context.Context), closeWatch func()) {
	poll := func(ctx context.Context) {
		select {
		case <-ctx.Done():
		case <-time.After(followPollInterval):
		}
	}
	watcher, err := fsnotify.NewWatcher()
	if err != nil {
		return poll, func() {}
	}
	for _, dir := range dirs {
		_ = watcher.Add(dir) // a directory that cannot be watched is polled
	}
	wait = func(ctx context.Context) {
		timer := time.NewTimer(followPollInterval)
		defer timer.Stop()
		select {
		case <-ctx.Done():
		case <-watcher.Events:
		case <-watcher.Errors:
		case <-timer.C:
		}
		// One look covers every event so far.
		for {
			select {
			case <-watcher.Events:
			default:
				return
			}
		}
	}
	return wait, func() { _ = watcher.Close() }
}

func (s *server) exec(w http.ResponseWriter, r *http.Request) {
	options, err := remotecommand.NewOptions(r)
	if err != nil {
		writeStreamError(w, r, badRequest("%v", err))
		return
	}
	command := r.URL.Query()["command"]
	if len(command) == 0 {
		writeStreamError(w, r, badRequest("no command given (query parameter command)"))
		return
	}
	pod, container, err := s.lookup(r, true)
	if err != nil {
		writeStreamError(w, r, err)
		return
	}
	if !container.Running {
		writeStreamError(w, r, badRequest("container %q in pod %s/%s is not running", r.PathValue("container"), pod.Namespace, pod.Name))
		return
	}
	if err := checkProcess(pod, container.PID); err != nil {
		writeStreamError(w, r, err)
		return
	}
	executor := &containerExecutor{pod: pod, container: container, serverCtx: s.ctx}
	remotecommand.ServeExec(w, r, executor, pod.Name, types.UID(pod.UID), r.PathValue("container"), command,
		options, streamIdleTimeout, streamCreationTimeout, remotecommandconsts.SupportedStreamingProtocols)
}

func (s *server) portForward(w http.ResponseWriter, r *http.Request) {
	options, err := portforward.NewV4Options(r)
	if err != nil {
		writeStreamError(w, r, badRequest("%v", err))
		return
	}
	pod, _, err := s.lookup(r, false)
	if err != nil {
		writeStreamError(w, r, err)
		return
	}
	if pod.Netns == "" || !fileExists(netnsPath(pod.Netns)) {
		writeStreamError(w, r, badRequest("pod %s/%s has no network namespace (yet)", pod.Namespace, pod.Name))
		return
	}
	portforward.ServePortForward(w, r, &podPortForwarder{pod: pod}, pod.Name, types.UID(pod.UID), options,
		streamIdleTimeout, streamCreationTimeout, portforward.SupportedProtocols)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format(time.RFC3339), fmt.Sprintf(format, args...))
}

func fatal(format string, args ...any) {
	logf(format, args...)
	os.Exit(1)
}
