package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tab is one person's browser window: its own browser context (cookies),
// so two officers can be signed in side by side as in two browsers.
type tab struct {
	tb  testing.TB
	ctx context.Context
	url string
}

// MustTab opens a window with its own cookies in the browser.
func MustTab(tb testing.TB, browser context.Context, m *Main) *tab {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	tb.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatal(err)
	}
	return &tab{tb: tb, ctx: ctx, url: m.URL}
}

// do runs steps with a deadline, failing the test with the page's text.
func (t *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.tb.Fatalf("%s: %v\npage: %s", what, err, t.text())
	}
}

// text returns the text of the page's main region.
func (t *tab) text() string {
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text("body"))
	if err != nil {
		return "(no text: " + err.Error() + ")"
	}
	return strings.Join(strings.Fields(s), " ")
}

// page returns the name of the page shown (the body's data-page).
func (t *tab) page() string {
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.page`))
	if err != nil {
		return ""
	}
	return v
}

// open navigates to path and waits for the page.
func (t *tab) open(path string) {
	t.tb.Helper()
	t.do("open "+path, chromedp.Navigate(t.url+path), chromedp.WaitReady("body"))
}

// signIn signs an officer in through the sign-in form, as a person does:
// the console sends them there from any page.
func (t *tab) signIn(o *officer) {
	t.tb.Helper()
	t.open("/")
	if p := t.page(); p != "signin" {
		t.tb.Fatalf("a new window opens on %q, want the sign-in page", p)
	}
	t.do("sign in "+o.Username,
		chromedp.SendKeys("#username", o.Username),
		chromedp.SendKeys("#password", o.Password),
		chromedp.SendKeys("#code", o.Code(t.tb)),
		chromedp.Submit("#code"),
		chromedp.WaitVisible(`body[data-page="dashboard"]`),
	)
}

// a11yCheck lists what a page lacks for a person using a screen reader or a
// keyboard: form controls without a label, images without alt text, buttons
// and links without a name, no or several h1, tables without headers.
const a11yCheck = `(() => {
  const out = [];
  const named = el => (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.getAttribute("title") || "").trim() !== "";
  document.querySelectorAll("input, select, textarea").forEach(el => {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button") return;
    const byFor = el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
    if (!byFor && !el.closest("label") && !named(el)) out.push("unlabelled " + el.tagName.toLowerCase() + " name=" + el.name);
  });
  document.querySelectorAll("img").forEach(el => { if (!el.hasAttribute("alt")) out.push("image without alt: " + el.src.slice(0, 60)); });
  document.querySelectorAll("button, a[href]").forEach(el => { if (el.textContent.trim() === "" && !named(el)) out.push("unnamed " + el.tagName.toLowerCase()); });
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) out.push(h1 + " h1 headings");
  document.querySelectorAll("table").forEach(t => { if (!t.querySelector("th")) out.push("table without th"); });
  if (!document.documentElement.lang) out.push("no lang");
  return out;
})()`

// accessible fails the test when the page shown lacks labels or names.
func (t *tab) accessible() {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](a11yCheck))
	if err != nil {
		t.tb.Fatal(err)
	}
	if len(problems) > 0 {
		t.tb.Errorf("page %q is not accessible: %v", t.page(), problems)
	}
}

// shot saves a screenshot for the docs when LOOKOUT_SCREENSHOTS=1.
func (t *tab) shot(name string) {
	t.tb.Helper()
	MustScreenshot(t.tb, t.ctx, filepath.Join("..", "..", "docs", "screenshots", name+".png"))
}

func TestConsoleBrowser(t *testing.T) {
	browser := MustBrowser(t)
	m, _ := MustConsoleNCBs(t)
	marie := MustOfficer(t, m, "ncb-fra", "marie", nil)

	t.Run("SignIn", func(t *testing.T) {
		w := MustTab(t, browser, m)
		w.open("/")
		w.accessible()
		w.shot("signin")
		w.signIn(marie)
		w.accessible()
		if txt := w.text(); !strings.Contains(txt, "marie") || !strings.Contains(txt, "NCB FRA") {
			t.Fatalf("dashboard: %s", txt)
		}
	})
}
