package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var info = Info{Name: "${{ values.name }}", Version: "1.2.3"}

func call(t *testing.T, method, target string) (*http.Response, map[string]string) {
	t.Helper()
	recorder := httptest.NewRecorder()
	New(info).ServeHTTP(recorder, httptest.NewRequest(method, target, nil))
	response := recorder.Result()
	body := map[string]string{}
	if method != http.MethodHead {
		if err := json.NewDecoder(response.Body).Decode(&body); err != nil {
			t.Fatalf("%s %s: the body is not a JSON object: %v", method, target, err)
		}
	}
	return response, body
}

func TestProbes(t *testing.T) {
	for target, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		response, body := call(t, http.MethodGet, target)
		if response.StatusCode != http.StatusOK || body["status"] != want {
			t.Errorf("GET %s = %d %v, want 200 status=%s", target, response.StatusCode, body, want)
		}
		if got := response.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("GET %s: Content-Type = %q", target, got)
		}
	}
}

func TestInfo(t *testing.T) {
	_, body := call(t, http.MethodGet, "/v1/info")
	if body["name"] != info.Name || body["version"] != info.Version {
		t.Errorf("GET /v1/info = %v", body)
	}
}

func TestHello(t *testing.T) {
	cases := []struct {
		target string
		status int
		field  string
		want   string
	}{
		{"/v1/hello", 200, "message", "Hello, world!"},
		{"/v1/hello?name=Ada%20Lovelace", 200, "message", "Hello, Ada Lovelace!"},
		{"/v1/hello?name=a&name=b", 200, "message", "Hello, b!"},
		{"/v1/hello?name=" + strings.Repeat("x", 64), 200, "message", "Hello, " + strings.Repeat("x", 64) + "!"},
		{"/v1/hello?name=", 400, "error", "name must be 1 to 64 characters long"},
		{"/v1/hello?name=" + strings.Repeat("x", 65), 400, "error", "name must be 1 to 64 characters long"},
	}
	for _, c := range cases {
		response, body := call(t, http.MethodGet, c.target)
		if response.StatusCode != c.status || body[c.field] != c.want {
			t.Errorf("GET %s = %d %v, want %d %s=%q", c.target, response.StatusCode, body, c.status, c.field, c.want)
		}
	}
}

func TestUnknownPathAndMethod(t *testing.T) {
	if response, _ := call(t, http.MethodGet, "/nope"); response.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope = %d, want 404", response.StatusCode)
	}
	response, _ := call(t, http.MethodPost, "/v1/hello")
	if response.StatusCode != http.StatusMethodNotAllowed || response.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /v1/hello = %d Allow=%q", response.StatusCode, response.Header.Get("Allow"))
	}
}

// TestServer starts the real handler on a loopback port and talks HTTP to it.
func TestServer(t *testing.T) {
	var log bytes.Buffer
	server := httptest.NewServer(WithRequestLog(New(info), &log))
	defer server.Close()

	response, err := http.Get(server.URL + "/v1/hello?name=go")
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]string
	err = json.NewDecoder(response.Body).Decode(&body)
	response.Body.Close()
	if err != nil || response.StatusCode != 200 || body["message"] != "Hello, go!" {
		t.Fatalf("GET /v1/hello = %d %v %v", response.StatusCode, body, err)
	}

	head, err := http.Head(server.URL + "/v1/info")
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != 200 || head.ContentLength <= 0 {
		t.Errorf("HEAD /v1/info = %d, Content-Length %d", head.StatusCode, head.ContentLength)
	}

	server.Close() // waits for the handlers, so both log lines are written
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	var first map[string]any
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &first) != nil {
		t.Fatalf("log = %q, want two JSON lines", log.String())
	}
	if first["method"] != "GET" || first["path"] != "/v1/hello" || first["status"] != float64(200) {
		t.Errorf("first log line = %v", first)
	}
}
