// Command server runs ${{ values.name }}. Configuration comes from the environment:
//
//	PORT  the TCP port to listen on (default ${{ values.port }})
//	HOST  the address to bind (default all addresses)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/${{ values.destination.owner }}/${{ values.destination.repo }}/internal/api"
)

// version is set at build time: go build -ldflags "-X main.version=1.2.3".
var version = "0.1.0"

func main() {
	os.Exit(run())
}

func run() int {
	log := json.NewEncoder(os.Stdout)
	port := os.Getenv("PORT")
	if port == "" {
		port = "${{ values.port }}"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		_ = log.Encode(map[string]string{"message": "fatal", "error": "PORT must be between 0 and 65535"})
		return 1
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(os.Getenv("HOST"), port))
	if err != nil {
		_ = log.Encode(map[string]string{"message": "fatal", "error": err.Error()})
		return 1
	}

	server := &http.Server{
		Handler:           api.WithRequestLog(api.New(api.Info{Name: "${{ values.name }}", Version: version}), os.Stdout),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	_ = log.Encode(map[string]any{"message": "listening", "address": listener.Addr().String(), "version": version})

	select {
	case err := <-served:
		_ = log.Encode(map[string]string{"message": "fatal", "error": err.Error()})
		return 1
	case <-ctx.Done():
	}
	// Stop accepting connections and let the requests in flight finish.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = log.Encode(map[string]string{"message": "shutdown", "error": err.Error()})
		return 1
	}
	_ = log.Encode(map[string]string{"message": "stopped"})
	return 0
}
