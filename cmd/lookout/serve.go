package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lookout-network/lookout/checkpoint"
	"github.com/lookout-network/lookout/dna"
	lhttp "github.com/lookout-network/lookout/http"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/pki"
	"github.com/lookout-network/lookout/sqlite"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

func init() {
	register(command{name: "serve", summary: "run the hub: lookout serve --data DIR --listen ADDR [--plaintext]", run: runServe})
}

// Main is the hub server, shaped so that tests can run the real thing on
// port 0 with a temporary data directory: ParseFlags, Run, Close.
type Main struct {
	DataDir   string
	Listen    string
	Postgres  string
	Plaintext bool
	// ListenMTLS is the machine-to-machine listener, where a client
	// certificate from the hub's CA is required.
	ListenMTLS string
	// NoTokens switches bearer tokens off: certificates only.
	NoTokens bool
	// DNAFrequencies is the folder of allele-frequency tables for DNA
	// likelihood ratios.
	DNAFrequencies string
	// ReviewEvery is how often the review of records runs (0: hourly;
	// negative: never by itself, only when asked).
	ReviewEvery time.Duration
	// CheckpointEvery is how often the head of the audit chain is signed.
	CheckpointEvery time.Duration
	// RateLimit is each agency's sustained requests per second (0: none).
	RateLimit float64
	Log       *slog.Logger

	store  *sqlite.DB
	docs   hub.DocumentIndex
	hub    *hub.Hub
	server *http.Server
	// handler is the API, kept for Routes.
	handler *lhttp.Server
	signer  *checkpoint.Signer
	// closeOnce makes Close safe to call more than once.
	closeOnce sync.Once
	closeErr  error
	// stopCheckpoints ends the checkpoint loop; lastSigned is the sequence
	// number of the last signed head.
	stopCheckpoints chan struct{}
	lastSigned      int64
	listener        net.Listener
	// mtlsListener requires client certificates; MTLSURL is its URL.
	mtlsListener net.Listener
	MTLSURL      string
	// URL is the base URL the server answers on, set by Run.
	URL string
	// CACert is the path of the CA certificate clients trust, when TLS.
	CACert string
}

// ParseFlags reads the serve flags.
func (m *Main) ParseFlags(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&m.DataDir, "data", "", "data directory (created by lookout init)")
	fs.StringVar(&m.Listen, "listen", "127.0.0.1:8443", "address to listen on")
	fs.StringVar(&m.Postgres, "postgres", "", "PostgreSQL URL of the store (instead of the embedded one)")
	fs.BoolVar(&m.Plaintext, "plaintext", false, "serve without TLS (refused unless the address is a loopback address)")
	fs.StringVar(&m.ListenMTLS, "listen-mtls", "", "machine-to-machine listener that requires a client certificate of the hub's CA")
	fs.BoolVar(&m.NoTokens, "no-tokens", false, "refuse bearer tokens: client certificates only")
	fs.DurationVar(&m.CheckpointEvery, "checkpoint-every", time.Minute, "how often to sign the head of the audit chain")
	fs.Float64Var(&m.RateLimit, "rate-limit", lhttp.DefaultLimits.Rate, "requests per second each agency may make on average (0: no limit); bursts of twice that pass")
	fs.StringVar(&m.DNAFrequencies, "dna-frequencies", defaultDNAFrequencies, "folder of STR allele-frequency tables (NIST 1036, UK DNA-17, norSTR CSVs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if m.DataDir == "" {
		return errors.New("--data is required")
	}
	return nil
}

// Run opens the store, loads the indexes and starts serving; it returns once
// the server is listening.
func (m *Main) Run(ctx context.Context) error {
	if m.Log == nil {
		m.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if m.Postgres != "" {
		return errors.New("the PostgreSQL store is not in this release yet: serve the embedded store (omit --postgres)")
	}
	host, _, err := net.SplitHostPort(m.Listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", m.Listen, err)
	}
	if m.Plaintext && !isLoopback(host) {
		return fmt.Errorf("--plaintext is refused on %s: plaintext is allowed only on a loopback address", m.Listen)
	}
	var tlsConfig *tls.Config
	if !m.Plaintext {
		ca, err := pki.Load(m.DataDir)
		if err != nil {
			return fmt.Errorf("TLS: %w (or serve --plaintext on a loopback address)", err)
		}
		cert, err := ca.ServerCertificate(host)
		if err != nil {
			return fmt.Errorf("server certificate: %w", err)
		}
		tlsConfig = &tls.Config{
			MinVersion:   tls.VersionTLS13,
			Certificates: []tls.Certificate{cert},
			ClientAuth:   tls.VerifyClientCertIfGiven,
			ClientCAs:    ca.Pool(),
		}
		_, m.CACert, _ = pki.Paths(m.DataDir)
	}

	path := filepath.Join(m.DataDir, "lookout.db")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no store at %s: run lookout init --data %s first", path, m.DataDir)
	}
	if m.store, err = sqlite.Open(ctx, path); err != nil {
		return err
	}
	if n, err := m.store.FailInterruptedScreenings(ctx); err != nil {
		return err
	} else if n > 0 {
		m.Log.Warn("screenings interrupted by the last stop marked failed", "screenings", n)
	}
	if m.docs, err = hub.OpenDocumentIndex(ctx, m.store, m.snapshotPath(), m.Log); err != nil {
		return err
	}
	m.hub = hub.New(m.store, m.docs, m.Log)
	if err := m.startFollowup(); err != nil {
		return err
	}
	if err := m.openDNA(ctx); err != nil {
		return err
	}
	fp, err := hub.OpenFingerprintIndex(ctx, m.store)
	if err != nil {
		return err
	}
	m.hub.SetFingerprintIndex(fp)
	persons, err := hub.OpenPersonIndex(ctx, m.store)
	if err != nil {
		return err
	}
	m.hub.SetPersonIndex(persons)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	handler := lhttp.NewServer(m.hub, m.Log, reg)
	m.handler = handler
	limits := lhttp.DefaultLimits
	limits.Rate, limits.Burst = m.RateLimit, int(2*m.RateLimit)
	handler.SetLimits(limits)
	handler.NoTokens = m.NoTokens
	if m.signer, err = checkpoint.Open(m.DataDir); err != nil {
		return fmt.Errorf("audit signing key: %w", err)
	}
	handler.Checkpoint = func() (any, error) { return checkpoint.Latest(m.DataDir) }
	m.stopCheckpoints = make(chan struct{})
	go m.signCheckpoints()
	if tlsConfig != nil {
		handler.Revoked = pki.NewRevocations(m.DataDir).Revoked
	}
	if handler.Console, err = m.console(handler, tlsConfig != nil); err != nil {
		return err
	}
	m.server = &http.Server{
		Handler:           handler,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
	// Event streams never end by themselves: end them so shutdown does not wait.
	m.server.RegisterOnShutdown(m.hub.CloseSubscriptions)
	if m.listener, err = net.Listen("tcp", m.Listen); err != nil {
		return err
	}
	scheme := "https"
	if tlsConfig == nil {
		scheme = "http"
	} else {
		m.listener = tls.NewListener(m.listener, tlsConfig)
	}
	addr := m.listener.Addr().(*net.TCPAddr)
	urlHost := host
	if urlHost == "" || net.ParseIP(urlHost) != nil && net.ParseIP(urlHost).IsUnspecified() {
		urlHost = "localhost"
	}
	m.URL = fmt.Sprintf("%s://%s", scheme, net.JoinHostPort(urlHost, fmt.Sprint(addr.Port)))
	go func() {
		if err := m.server.Serve(m.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("serve", "err", err)
		}
	}()
	if m.ListenMTLS != "" {
		if tlsConfig == nil {
			return errors.New("--listen-mtls needs TLS: drop --plaintext")
		}
		mtls := tlsConfig.Clone()
		mtls.ClientAuth = tls.RequireAndVerifyClientCert
		l, err := net.Listen("tcp", m.ListenMTLS)
		if err != nil {
			return err
		}
		m.mtlsListener = tls.NewListener(l, mtls)
		m.MTLSURL = fmt.Sprintf("https://%s", m.mtlsListener.Addr())
		go func() {
			if err := m.server.Serve(m.mtlsListener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				m.Log.Error("serve mTLS", "err", err)
			}
		}()
		m.Log.Info("serving machine-to-machine", "url", m.MTLSURL)
	}
	m.Log.Info("serving", "url", m.URL, "tls", tlsConfig != nil)
	return nil
}

// Close stops taking requests, lets those in flight finish (their searches
// are logged before they answer), and closes the store: no acknowledged
// write is lost.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	var errs []error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		errs = append(errs, m.server.Shutdown(ctx))
		cancel()
	}
	if m.hub != nil {
		errs = append(errs, m.hub.Close())
		// With every write done, a snapshot lets the next start skip the
		// full scan of the store; losing it costs only time.
		if err := hub.SaveDocumentIndex(context.Background(), m.store, m.docs, m.snapshotPath()); err != nil {
			m.Log.Warn("document index snapshot not saved", "err", err)
		}
	}
	if m.stopCheckpoints != nil {
		close(m.stopCheckpoints)
		if err := m.signHead(); err != nil {
			m.Log.Warn("audit checkpoint not signed", "err", err)
		}
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	return errors.Join(errs...)
}

// defaultDNAFrequencies is where the published frequency tables sit beside
// a checkout of the project.
const defaultDNAFrequencies = "../shared/data/dna"

// openDNA loads the allele frequencies and the DNA index. Without frequency
// tables the server runs, and DNA routes say why they cannot answer.
func (m *Main) openDNA(ctx context.Context) error {
	if m.DNAFrequencies == "" {
		m.DNAFrequencies = defaultDNAFrequencies
	}
	pops, err := dna.LoadPopulations(m.DNAFrequencies)
	if err != nil {
		m.Log.Warn("DNA database disabled: no allele frequencies", "dir", m.DNAFrequencies, "err", err)
		return nil
	}
	ix, err := hub.OpenDNAIndex(ctx, m.store, pops)
	if err != nil {
		return err
	}
	m.hub.SetDNAIndex(ix, pops)
	m.Log.Info("DNA index loaded", "profiles", ix.Len(), "populations", len(pops))
	return nil
}

// signCheckpoints signs the head of the audit chain at intervals.
func (m *Main) signCheckpoints() {
	every := m.CheckpointEvery
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stopCheckpoints:
			return
		case <-t.C:
			if err := m.signHead(); err != nil {
				m.Log.Warn("audit checkpoint not signed", "err", err)
			}
		}
	}
}

// signHead signs the head of the chain if it moved since the last signature.
func (m *Main) signHead() error {
	head, err := m.store.AuditHead(context.Background())
	if err != nil || head == nil || head.Seq == atomic.LoadInt64(&m.lastSigned) {
		return err
	}
	if _, err := m.signer.Sign(head, time.Now()); err != nil {
		return err
	}
	atomic.StoreInt64(&m.lastSigned, head.Seq)
	return nil
}

// Routes lists the authenticated routes of the running server.
func (m *Main) Routes() []string { return m.handler.Routes() }

func (m *Main) snapshotPath() string { return filepath.Join(m.DataDir, "documents.index") }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func runServe(ctx context.Context, env *Env, args []string) int {
	m := &Main{Log: slog.New(slog.NewJSONHandler(env.Stderr, nil))}
	if err := m.ParseFlags(args, env.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(env.Stderr, "lookout serve:", err)
		return 2
	}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(env.Stderr, "lookout serve:", err)
		m.Close()
		return 1
	}
	<-ctx.Done()
	m.Log.Info("shutting down")
	if err := m.Close(); err != nil {
		fmt.Fprintln(env.Stderr, "lookout serve: shutdown:", err)
		return 1
	}
	return 0
}
