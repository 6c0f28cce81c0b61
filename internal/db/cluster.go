package db

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoPostgres is returned when no PostgreSQL server binaries can be found.
var ErrNoPostgres = errors.New("PostgreSQL server binaries (initdb, postgres) not found: install them (Debian/Ubuntu: apt-get install -y postgresql) or set DATABASE_URL")

// Cluster is a private PostgreSQL cluster run from the machine's binaries in a directory
// of ours. It listens only on a unix socket inside that directory, so it never clashes
// with a system server's TCP port.
type Cluster struct {
	// Dir is the data directory (PGDATA).
	Dir string
	// SocketDir holds the unix socket; it is Dir unless Dir's path is too long for a socket.
	SocketDir string
	// Settings are extra server settings passed as -c name=value.
	Settings map[string]string
	// Detached leaves the server running after this process exits (used by the test
	// harness, whose cluster outlives each test binary; `make test` stops it at the end).
	Detached bool
	Log      *slog.Logger

	bin   string
	cmd   *exec.Cmd
	owned bool
	done  chan struct{}
	asPG  *syscall.Credential
}

const clusterUser = "helpcenter"
const clusterDB = "helpcenter"
const clusterPort = 5432

// NewCluster prepares a cluster in dir; nothing runs until Start.
func NewCluster(dir string, log *slog.Logger) (*Cluster, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Cluster{Dir: abs, Log: log, Settings: map[string]string{}}
	c.SocketDir = abs
	// A unix socket path is limited to 107 bytes; fall back to a short private folder.
	if len(filepath.Join(abs, ".s.PGSQL.5432")) > 100 {
		sum := sha256.Sum256([]byte(abs))
		c.SocketDir = filepath.Join(os.TempDir(), "hcpg-"+hex.EncodeToString(sum[:6]))
	}
	return c, nil
}

// URL is the connection URL of the cluster's application database.
func (c *Cluster) URL() string {
	return c.DatabaseURL(clusterDB)
}

// DatabaseURL is the connection URL of one database in the cluster.
func (c *Cluster) DatabaseURL(name string) string {
	q := url.Values{"host": {c.SocketDir}, "port": {strconv.Itoa(clusterPort)}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User(clusterUser), Host: "localhost", Path: "/" + name, RawQuery: q.Encode()}).String()
}

// Owned reports whether this process started the server (and so stops it).
func (c *Cluster) Owned() bool { return c.owned }

// Start makes the cluster available: it connects to a server already running on the
// directory (e.g. `serve` while `migrate` runs), or runs initdb on first use and starts
// the server. It returns when the server accepts connections.
func (c *Cluster) Start(ctx context.Context) error {
	bin, err := FindPostgresBinaries()
	if err != nil {
		return err
	}
	c.bin = bin
	if os.Geteuid() == 0 {
		cred, err := postgresCredential()
		if err != nil {
			return err
		}
		c.asPG = cred
	}
	if err := c.prepareDirs(); err != nil {
		return err
	}

	unlock, err := lockFile(filepath.Join(filepath.Dir(c.Dir), "."+filepath.Base(c.Dir)+".lock"))
	if err != nil {
		return err
	}
	defer unlock()

	if pid, ok := c.runningPID(); ok {
		c.Log.Debug("postgres already running", "dir", c.Dir, "pid", pid)
		return c.waitReady(ctx, pid)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}
	if err := c.startServer(); err != nil {
		return err
	}
	pid := c.cmd.Process.Pid
	if err := c.waitReady(ctx, pid); err != nil {
		_ = c.Stop()
		return err
	}
	return c.ensureDatabase(ctx)
}

// prepareDirs creates the data and socket directories, owned by the postgres system user
// when we run as root (initdb and postgres refuse to run as root).
func (c *Cluster) prepareDirs() error {
	// The parent stays searchable so that the postgres system user can reach the data dir.
	if err := os.MkdirAll(filepath.Dir(c.Dir), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(c.Dir), err)
	}
	for _, d := range []string{c.Dir, c.SocketDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	if c.asPG == nil {
		return nil
	}
	for _, d := range []string{c.Dir, c.SocketDir} {
		if err := os.Chown(d, int(c.asPG.Uid), int(c.asPG.Gid)); err != nil {
			return fmt.Errorf("chown %s to postgres: %w", d, err)
		}
	}
	// The postgres user must be able to reach the data directory through its parents.
	for p := filepath.Dir(c.Dir); p != "/" && p != "."; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("the postgres system user cannot reach %s (folder %s is not searchable by others); choose another HELPCENTER_DATA_DIR or chmod o+x %s", c.Dir, p, p)
		}
	}
	return nil
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
	cmd.Dir = c.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if c.asPG != nil {
		cmd.SysProcAttr.Credential = c.asPG
	}
	return cmd
}

func (c *Cluster) initdb(ctx context.Context) error {
	c.Log.Info("initialising private PostgreSQL cluster", "dir", c.Dir)
	cmd := c.command(ctx, "initdb", "-D", c.Dir, "-U", clusterUser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb in %s: %w\n%s", c.Dir, err, bytes.TrimSpace(out))
	}
	return nil
}

func (c *Cluster) startServer() error {
	args := []string{"-D", c.Dir, "-k", c.SocketDir, "-p", strconv.Itoa(clusterPort), "-c", "listen_addresses="}
	keys := make([]string, 0, len(c.Settings))
	for k := range c.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-c", k+"="+c.Settings[k])
	}
	logFile, err := os.OpenFile(filepath.Join(filepath.Dir(c.Dir), filepath.Base(c.Dir)+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := c.command(context.Background(), "postgres", args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if c.Detached {
		cmd.SysProcAttr.Setsid = true
	} else {
		// A killed parent takes the postmaster down with it: no server is left behind.
		cmd.SysProcAttr.Pdeathsig = syscall.SIGINT
		cmd.SysProcAttr.Setpgid = true
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.cmd, c.owned, c.done = cmd, !c.Detached, make(chan struct{})
	go func() { _ = cmd.Wait(); close(c.done) }()
	c.Log.Info("started private PostgreSQL", "dir", c.Dir, "pid", cmd.Process.Pid)
	return nil
}

// runningPID reads postmaster.pid and tells whether a live postmaster owns the directory.
// A stale file (the process is gone, or the pid now belongs to another program) is removed
// so that the next start succeeds after a crash.
func (c *Cluster) runningPID() (int, bool) {
	pidFile := filepath.Join(c.Dir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err == nil && pid > 0 {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if strings.HasPrefix(strings.TrimSpace(string(comm)), "postgres") {
			return pid, true
		}
	}
	c.Log.Warn("removing stale postmaster.pid", "dir", c.Dir, "pid", pid)
	_ = os.Remove(pidFile)
	_ = os.Remove(filepath.Join(c.SocketDir, fmt.Sprintf(".s.PGSQL.%d.lock", clusterPort)))
	return 0, false
}

// waitReady polls postmaster.pid until its status line says the server accepts connections.
func (c *Cluster) waitReady(ctx context.Context, pid int) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		b, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
		if err == nil {
			lines := strings.Split(string(b), "\n")
			if len(lines) >= 8 && strings.TrimSpace(lines[7]) == "ready" {
				return nil
			}
		}
		if c.done != nil {
			select {
			case <-c.done:
				return fmt.Errorf("postgres exited during start; see %s.log", c.Dir)
			default:
			}
		} else if syscall.Kill(pid, 0) != nil {
			return fmt.Errorf("postgres (pid %d) is gone", pid)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postgres did not become ready: %w (see %s.log)", ctx.Err(), c.Dir)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ensureDatabase creates the application database on first start.
func (c *Cluster) ensureDatabase(ctx context.Context) error {
	conn, err := connectOne(ctx, c.DatabaseURL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", clusterDB).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+clusterDB); err != nil {
			return fmt.Errorf("create database: %w", err)
		}
	}
	return nil
}

// Stop shuts the server down (fast shutdown) if this process started it, and waits.
func (c *Cluster) Stop() error {
	if !c.owned || c.cmd == nil {
		return nil
	}
	c.owned = false
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
	c.Log.Info("stopped private PostgreSQL", "dir", c.Dir)
	return nil
}

// StopRunning stops whatever server runs on dir, started by any process (used by
// `helpcenter postgres stop` and by `make test` for the detached test cluster).
func StopRunning(dir string) error {
	c, err := NewCluster(dir, nil)
	if err != nil {
		return err
	}
	pid, ok := c.runningPID()
	if !ok {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		return err
	}
	for i := 0; i < 600; i++ {
		if syscall.Kill(pid, 0) != nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("postgres (pid %d) did not stop", pid)
}

// FindPostgresBinaries looks for initdb and postgres in PATH, then through pg_config,
// then under /usr/lib/postgresql/*/bin (the newest version first).
func FindPostgresBinaries() (string, error) {
	var candidates []string
	if p, err := exec.LookPath("postgres"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			candidates = append(candidates, filepath.Dir(real))
		}
		candidates = append(candidates, filepath.Dir(p))
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	candidates = append(candidates, dirs...)
	for _, d := range candidates {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func postgresCredential() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root needs the postgres system user (created by the postgresql package) to run the private cluster")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// lockFile takes an exclusive flock so that two processes starting at once do not both
// run initdb or start a server on the same directory.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
