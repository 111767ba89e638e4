// Command fresco is the whole Fresco customer-focus system: server, CLI and analytics.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/fresco-cx/fresco/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		Getenv: os.Getenv,
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	})
	stop()
	os.Exit(code)
}
