package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's Chromium (`apt-get install chromium`,
// which .ci/run does) through chromedp. They talk to a server started by
// MustRunMain, which serves plain HTTP on 127.0.0.1: a loopback origin is a
// secure context for the browser (Secure cookies, crypto.subtle), so the
// tests need neither a certificate nor --ignore-certificate-errors.
//
// Environment:
//
//	LOOKOUT_CHROMIUM=/path/to/chromium   the browser (default /usr/bin/chromium)
//	LOOKOUT_SKIP_BROWSER=1               skip the browser tests
//	LOOKOUT_REQUIRE_BROWSER=1            fail, not skip, when Chromium is missing (.ci/run sets it)
//	LOOKOUT_SCREENSHOTS=1                let MustScreenshot write its files
const defaultChromium = "/usr/bin/chromium"

// MustBrowser starts a headless Chromium with a fresh profile in a temporary
// directory and returns the context of its first tab, for chromedp.Do and
// chromedp.Run. The browser is closed, and its profile removed, when the test
// ends. To bound one step, derive a context with context.WithTimeout from the
// returned one (never give the returned context itself a deadline: it is the
// browser's lifetime).
//
// A missing browser skips the test with a message saying how to install it,
// so that `go test ./...` works on a fresh machine; CI sets
// LOOKOUT_REQUIRE_BROWSER=1, where a missing browser fails.
func MustBrowser(tb testing.TB) context.Context {
	tb.Helper()
	if os.Getenv("LOOKOUT_SKIP_BROWSER") == "1" {
		tb.Skip("LOOKOUT_SKIP_BROWSER=1: browser tests skipped")
	}
	path := os.Getenv("LOOKOUT_CHROMIUM")
	if path == "" {
		path = defaultChromium
	}
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("LOOKOUT_REQUIRE_BROWSER") != "1" {
			tb.Skipf("browser tests skipped: no Chromium at %s (apt-get install chromium, or point LOOKOUT_CHROMIUM at one)", path)
		}
		tb.Fatalf("browser tests need Chromium at %s (%v): install it (apt-get install chromium), "+
			"point LOOKOUT_CHROMIUM at it, or set LOOKOUT_SKIP_BROWSER=1 to skip the browser tests", path, err)
	}

	// The browser's own output, shown only when the test fails
	// (lockedBuffer is in secrets_test.go).
	out := &lockedBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// /dev/shm is often 64 MB in containers; Debian's wrapper adds this
		// only when it can measure a small /dev/shm.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(out),
		// No UserDataDir: chromedp then makes a fresh temporary profile, and
		// when the browser exits it kills any helper process still using
		// that profile and removes the directory.
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() {
		// Close gracefully, but never wait more than a few seconds: then the
		// process is killed. Cancel returns once the process has exited.
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		defer ccancel()
		if err := chromedp.Cancel(cctx); err != nil && cctx.Err() == nil {
			tb.Logf("closing the browser: %v", err)
		}
		cancel()
		allocCancel()
		if tb.Failed() {
			tb.Logf("browser output:\n%s", browserTail(out.String(), 8<<10))
		}
	})
	// Start the browser now, so that a browser that cannot start is reported
	// here and not by the test's first step.
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("starting %s: %v\n%s", path, err, browserTail(out.String(), 8<<10))
	}
	tb.Logf("browser started in %v", time.Since(start).Round(time.Millisecond))
	return ctx
}

// MustScreenshot saves a PNG of the whole page of the browser tab ctx (not
// only the visible part) at path, creating its directory, when
// LOOKOUT_SCREENSHOTS=1; otherwise it does nothing, so that `go test ./...`
// never rewrites docs/screenshots. path is relative to the test's directory
// (cmd/lookout): filepath.Join("..", "..", "docs", "screenshots", "x.png").
func MustScreenshot(tb testing.TB, ctx context.Context, path string) {
	tb.Helper()
	if os.Getenv("LOOKOUT_SCREENSHOTS") != "1" {
		return
	}
	mustSavePNG(tb, ctx, path)
}

// mustSavePNG saves a full-page PNG of the tab ctx at path.
func mustSavePNG(tb testing.TB, ctx context.Context, path string) {
	tb.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, fullPagePNG())
	if err != nil {
		tb.Fatalf("screenshot %s: %v", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// fullPagePNG captures the whole scrollable page as a PNG, as a browser's
// "capture full size screenshot" does: a clip of the content's size, captured
// beyond the viewport. (chromedp.FullScreenshot captures only the viewport.)
func fullPagePNG() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		clip := &page.Viewport{Width: 1280, Height: 900, Scale: 1}
		if c := m.CSSContentSize; c != nil && c.Width > 0 && c.Height > 0 {
			clip.Width, clip.Height = math.Ceil(c.Width), math.Ceil(c.Height)
		}
		yes := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			Clip:                  clip,
			FromSurface:           &yes,
			CaptureBeyondViewport: &yes,
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}
}

// browserTail returns the last n bytes of s.
func browserTail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// TestBrowserSmoke checks the browser setup end to end: the real server, a
// real Chromium, one page.
func TestBrowserSmoke(t *testing.T) {
	m, _ := MustRunMain(t)
	ctx := MustBrowser(t)

	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Navigate(m.URL+"/healthz")); err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(sctx, chromedp.Text("body"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /healthz in the browser: body %q, want \"ok\"", body)
	}

	// The screenshot helper writes a PNG (into a temporary directory here).
	path := filepath.Join(t.TempDir(), "healthz.png")
	mustSavePNG(t, ctx, path)
	png, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot %s is not a PNG: % x", path, png[:min(len(png), 8)])
	}
}
