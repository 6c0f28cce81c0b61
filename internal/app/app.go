// Package app assembles the whole product: configuration, database, services, the job
// queue and the Fiber application. The command line and the end-to-end tests both start
// it through New and Run, so tests exercise exactly what production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/content/search"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/config"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/demo"
	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/synonyms"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// Version is set at build time with -ldflags "-X ...app.Version=...".
var Version = "dev"

// App is one running help center.
type App struct {
	Config  config.Config
	Log     *slog.Logger
	DB      *db.DB
	Cluster *db.Cluster // the private cluster, nil with DATABASE_URL
	Jobs    *jobs.Queue
	Fiber   *fiber.App
	Metrics *prometheus.Registry
	// Listener carries PostgreSQL notifications (policy reloads, cache invalidation).
	Listener *db.Listener
	// Policy answers who may read and do what.
	Policy *policy.Enforcer
	// Search is the full-text index of live articles; Content the knowledge base.
	Search  *search.Index
	Content *content.Service
	// Tokens are the API tokens that bearer-authenticated callers present.
	Tokens *apitoken.Service
	// Tickets is requests: the portal's and the API's, and the console's inbox.
	Tickets *ticket.Service
	// Engagement is what readers do around articles: comments, votes, views, the search
	// log and the request form's suggestions.
	Engagement *content.Engagement
	// Mail queues and delivers e-mail; Accounts is users, sign-in and sessions; Sessions
	// puts those sessions on HTTP (cookie, authenticator, CSRF token).
	Mail     *mail.Mailer
	Accounts *account.Service
	Sessions *web.Sessions
	// FAQ turns tickets into FAQ drafts and keeps the recurring questions; Synonyms are
	// the staff-edited search synonyms.
	FAQ      *faqdraft.Service
	Synonyms *synonyms.Service

	options Options
	started time.Time
}

// Options change how New builds the app; the zero value is production.
type Options struct {
	// JobPollInterval shortens the job queue's polling in tests.
	JobPollInterval time.Duration
	// NoJobs builds the app without working jobs (commands that only insert them).
	NoJobs bool
	// FastPasswords uses cheap password hashing parameters (tests only).
	FastPasswords bool
}

// OpenDatabase connects to DATABASE_URL, or starts (or joins) the private cluster under
// the data directory. The caller closes the DB and stops the cluster.
func OpenDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (*db.DB, *db.Cluster, error) {
	url := cfg.DatabaseURL
	var cluster *db.Cluster
	if url == "" {
		c, err := db.NewCluster(filepath.Join(cfg.DataDir, "postgres"), log)
		if err != nil {
			return nil, nil, err
		}
		if err := c.Start(ctx); err != nil {
			return nil, nil, err
		}
		cluster, url = c, c.URL()
	}
	d, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		if cluster != nil {
			_ = cluster.Stop()
		}
		return nil, nil, err
	}
	return d, cluster, nil
}

// New connects to the database, applies migrations and wires every service and route.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opt Options) (*App, error) {
	d, cluster, err := OpenDatabase(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: d, Cluster: cluster, started: time.Now()}
	if err := a.init(ctx, opt); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) init(ctx context.Context, opt Options) error {
	applied, err := a.DB.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range applied {
		a.Log.Info("applied migration", "version", m.Version, "name", m.Name)
	}

	a.Metrics = prometheus.NewRegistry()
	a.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	a.options = opt
	a.Jobs = jobs.New(a.DB, a.Log)
	jobs.RegisterCleanup(a.Jobs, a.DB, time.Hour, account.CleanupStatements...)

	if err := a.wire(ctx); err != nil {
		return err
	}
	if err := a.Jobs.Open(jobs.Options{Work: !opt.NoJobs, PollInterval: opt.JobPollInterval}); err != nil {
		return err
	}
	a.Fiber = a.routes()
	return nil
}

// wire builds the domain services. Each feature adds its service here.
func (a *App) wire(ctx context.Context) error {
	var err error
	a.Listener = db.NewListener(a.DB, a.Log)
	if a.Policy, err = policy.New(ctx, a.DB, a.Log); err != nil {
		return err
	}
	a.Search = search.New(a.DB)
	a.Content = content.New(a.DB, a.Policy, a.Jobs, a.Search, a.Log)
	a.Content.RegisterJobs(a.Jobs, time.Minute)
	a.Tokens = apitoken.New(a.DB, a.Policy)
	if a.Config.Demo {
		if err := demo.Load(ctx, a.Content, a.Log); err != nil {
			return fmt.Errorf("demo content: %w", err)
		}
	}
	if err := a.wireAccounts(ctx); err != nil {
		return err
	}
	a.wireTickets()
	a.wireEngagement()
	if err := a.wireFAQ(ctx); err != nil {
		return err
	}
	return nil
}

// Serve runs the job queue and the HTTP server on ln until ctx is done, then drains
// in-flight requests (bounded by the shutdown timeout) and stops the jobs.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	a.Policy.Watch(listenCtx, a.Listener, 30*time.Second)
	a.Content.Watch(listenCtx, a.Listener, 5*time.Second)
	// Start-up (building the Polish stemmer's tables above all) leaves garbage behind and
	// a heap goal sized for it; collect it now, so the server runs at its real footprint.
	debug.FreeOSMemory()
	go a.Engagement.Run(listenCtx)
	go func() {
		if err := a.Listener.Listen(listenCtx); err != nil {
			a.Log.Error("notification listener stopped", "err", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- a.Fiber.Listener(ln) }()
	a.Log.Info("serving", "addr", ln.Addr().String(), "base_url", a.Config.BaseURL.String(), "version", Version)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	a.Log.Info("shutting down")
	if err := a.Fiber.ShutdownWithTimeout(a.Config.ShutdownTimeout); err != nil {
		a.Log.Warn("shutdown", "err", err)
	}
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.Config.ShutdownTimeout)
	defer cancel()
	if err := a.Jobs.Stop(stopCtx); err != nil && !errors.Is(err, context.Canceled) {
		a.Log.Warn("stop jobs", "err", err)
	}
	return serveErr
}

// Run listens on the configured address and serves until ctx is done.
func (a *App) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (HELPCENTER_ADDR): %w", a.Config.Addr, err)
	}
	return a.Serve(ctx, ln)
}

// Close releases the database and stops the private cluster if this process started it.
func (a *App) Close() {
	if a.DB != nil {
		a.DB.Close()
	}
	if a.Cluster != nil {
		_ = a.Cluster.Stop()
	}
}
