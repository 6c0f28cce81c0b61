package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// buildBinary compiles helpcenter once per test run into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "helpcenter")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// workDir is a folder under var/test reachable by the postgres system user.
func workDir(t *testing.T) string {
	t.Helper()
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(root, "var", "test")
	_ = os.MkdirAll(base, 0o755)
	dir, err := os.MkdirTemp(base, "cli-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type serverProc struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	addr string
}

func startServe(t *testing.T, bin, dataDir string, cred *syscall.Credential) *serverProc {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "HELPCENTER_DATA_DIR="+dataDir, "HELPCENTER_ADDR="+addr, "DATABASE_URL=")
	cmd.Dir = filepath.Dir(dataDir)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		cmd.Env = append(cmd.Env, "HOME="+filepath.Dir(dataDir))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: cmd, out: &out, addr: addr}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("serve not ready within 30s:\n%s", out.String())
	return nil
}

func postmasterPID(t *testing.T, dataDir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "postgres", "postmaster.pid"))
	if err != nil {
		t.Fatalf("no postmaster.pid: %v", err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	return pid
}

func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func TestServeLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := workDir(t)
	bin := buildBinary(t, dir)
	dataDir := filepath.Join(dir, "var")

	// Cold start, then SIGINT: the server drains and the private cluster stops.
	p := startServe(t, bin, dataDir, nil)
	pid := postmasterPID(t, dataDir)
	resp, err := http.Get("http://" + p.addr + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET / = %v %v", resp, err)
	}
	resp.Body.Close()

	// While serve runs, another command uses the same cluster and leaves it running.
	status := exec.Command(bin, "migrate", "status")
	status.Env = append(os.Environ(), "HELPCENTER_DATA_DIR="+dataDir, "DATABASE_URL=")
	if out, err := status.CombinedOutput(); err != nil || !strings.Contains(string(out), "0001") {
		t.Fatalf("migrate status while serving: %v\n%s", err, out)
	}
	if syscall.Kill(pid, 0) != nil {
		t.Fatal("migrate status stopped serve's cluster")
	}

	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve exit after SIGINT: %v\n%s", err, p.out.String())
	}
	if !waitGone(pid, 10*time.Second) {
		t.Fatalf("postgres %d left running after serve stopped", pid)
	}

	// A second start keeps the data (the schema is not re-applied) ...
	p = startServe(t, bin, dataDir, nil)
	if strings.Contains(p.out.String(), "applied migration") {
		t.Fatalf("second start re-applied migrations:\n%s", p.out.String())
	}
	// ... and a killed server takes its cluster with it.
	pid = postmasterPID(t, dataDir)
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	if !waitGone(pid, 10*time.Second) {
		t.Fatalf("postgres %d survived a killed serve", pid)
	}
	// The crash left a postmaster.pid behind; the next start recovers.
	p = startServe(t, bin, dataDir, nil)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve exit after SIGTERM: %v", err)
	}
}

func TestServeAsOrdinaryUser(t *testing.T) {
	if testing.Short() || os.Geteuid() != 0 {
		t.Skip("needs root to switch to an ordinary user")
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no nobody user")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	dir := workDir(t)
	bin := buildBinary(t, dir)
	dataDir := filepath.Join(dir, "var")
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, bin, dataDir, &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)})
	pid := postmasterPID(t, dataDir)
	if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); !strings.Contains(string(b), fmt.Sprintf("Uid:\t%d", uid)) {
		t.Errorf("postmaster does not run as the ordinary user")
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("serve exit: %v\n%s", err, p.out.String())
	}
	if !waitGone(pid, 10*time.Second) {
		t.Fatal("postgres left running")
	}
}

func TestConfigErrorNamesVariable(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve"}, func(k string) string {
		if k == "HELPCENTER_LOG_LEVEL" {
			return "loud"
		}
		return ""
	}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "HELPCENTER_LOG_LEVEL") {
		t.Fatalf("err = %v", err)
	}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, func(string) string { return "" }, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out.String(), c.name) {
			t.Errorf("help lacks %s", c.name)
		}
	}
	if err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, &out, &errOut); err == nil {
		t.Fatal("unknown command accepted")
	}
	errOut.Reset()
	_ = run(context.Background(), []string{"migrate", "--help"}, func(string) string { return "" }, &out, &errOut)
	if !strings.Contains(errOut.String(), "migrate up|down|status") {
		t.Errorf("migrate --help = %q", errOut.String())
	}
}

func TestMigrateDownAndUpThroughCLI(t *testing.T) {
	url := dbtest.NewURL(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "down", "--steps", "0"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("migrate down --steps 0: %v %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "undid 0001_init") {
		t.Fatalf("down output: %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "status"}, getenv, &out, &errOut); err != nil || !strings.Contains(out.String(), "pending") {
		t.Fatalf("status after down: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "up"}, getenv, &out, &errOut); err != nil || !strings.Contains(out.String(), "applied 0001_init") {
		t.Fatalf("up: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"migrate", "sideways"}, getenv, &out, &errOut); err == nil {
		t.Fatal("unknown action accepted")
	}
}
