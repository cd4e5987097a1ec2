// Package api is the HTTP API of ${{ values.name }}.
//
//	GET /healthz     liveness: the process is up
//	GET /readyz      readiness: the service accepts traffic
//	GET /v1/info     the service name and version
//	GET /v1/hello    a greeting; optional query parameter `name` (1 to 64 characters)
package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxNameLength is the longest name /v1/hello accepts, in characters.
const MaxNameLength = 64

// Info describes the running service.
type Info struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// New returns the service's handler.
func New(info Info) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", getOnly(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	mux.HandleFunc("/readyz", getOnly(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}))
	mux.HandleFunc("/v1/info", getOnly(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, info)
	}))
	mux.HandleFunc("/v1/hello", getOnly(hello))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no route for "+r.URL.Path)
	})
	return mux
}

func hello(w http.ResponseWriter, r *http.Request) {
	name := "world"
	if values, ok := r.URL.Query()["name"]; ok && len(values) > 0 {
		name = values[len(values)-1]
	}
	if n := utf8.RuneCountInString(name); n < 1 || n > MaxNameLength {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("name must be 1 to %d characters long", MaxNameLength))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Hello, " + name + "!"})
}

func getOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed on "+r.URL.Path)
			return
		}
		next(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error":"could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data) // net/http drops the body of a HEAD response
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}

// WithRequestLog writes one JSON line per request to out.
func WithRequestLog(next http.Handler, out io.Writer) http.Handler {
	var mu sync.Mutex
	encoder := json.NewEncoder(out)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(recorder, r)
		mu.Lock()
		defer mu.Unlock()
		_ = encoder.Encode(map[string]any{
			"method":      r.Method,
			"path":        r.URL.Path,
			"status":      recorder.status,
			"duration_ms": float64(time.Since(started).Microseconds()) / 1000,
		})
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
